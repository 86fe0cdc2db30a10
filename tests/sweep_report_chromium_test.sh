#!/bin/sh
# sweep_report_chromium_test.sh RVH_VP SW_DIR PNG_CHECK: the page of
# `rvh-vp sweep DB --report` and the SVG files of `--plots`, opened in
# headless Chromium (Debian's `chromium`) as a person would open them: the
# page's own script must find every plot drawn (--dump-dom), and a
# screenshot must show plotted lines and dots inside the plots it covers
# (tests/tools/png_check.cpp); the same page with its lines and dots removed
# must fail that check. Skipped (77) only when Chromium is not installed.
set -u
vp=$1 sw=$2 png_check=$3
. "$(dirname "$0")/check_lib.sh"
. "$(dirname "$0")/chromium_lib.sh"
guest=$sw/g_smoke_all.elf
[ -f "$guest" ] || { echo "FAIL: $guest not built"; exit 1; }
chromium_window=1200,3000

# A 6-point sweep: two axes, so each plot has two or three lines.
cat >"$tmp/s.json" <<EOF
{"name": "report test", "command": ["--hyp", "--kernel", "$guest"],
 "axes": {"hyp.wfi": [100, 300, 500], "--no-guest-sstc": [false, true]}, "timeout_seconds": 120}
EOF
"$vp" sweep "$tmp/s.json" -j 2 --db "$tmp/s.db" --report "$tmp/r.html" --plots "$tmp/plots" >"$tmp/sweep.out" 2>&1; code=$?
[ $code -eq 0 ] && [ -s "$tmp/r.html" ] || { echo "FAIL: the sweep did not write a report (exit $code)"; tail "$tmp/sweep.out"; exit 1; }

# 1. The page's script measured the plots: 2 axes x 4 figures, all drawn.
chromium_run --dump-dom "file://$tmp/r.html" >"$tmp/dom.html"
plots=$(body_attr "$tmp/dom.html" data-plots)
drawn=$(body_attr "$tmp/dom.html" data-plots-drawn)
if [ "$plots" = 8 ] && [ "$drawn" = 8 ]; then
  pass "Chromium drew all $plots plots"
else
  fail "plots drawn: '$drawn' of '$plots' (want 8)"; tail -5 "$tmp/chromium.log"
fi

# 2. The screenshot shows lines and dots inside each plot in the window.
chromium_run --screenshot="$tmp/shot.png" "file://$tmp/r.html" >/dev/null
regions=$(plot_regions "$tmp/dom.html")
count=$(echo "$regions" | grep -c .)
if [ "$count" -ge 6 ] && [ -s "$tmp/shot.png" ] && "$png_check" "$tmp/shot.png" $regions >"$tmp/shot.out"; then
  pass "screenshot: marks in all $count plots on screen"
else
  fail "screenshot check ($count plot regions on screen)"; cat "$tmp/shot.out"
fi

# 3. Control: without its lines and dots the same page fails the check.
sed -e 's/<circle class="mark"[^>]*>.*<\/circle>//g' -e 's/<polyline [^>]*>//g' "$tmp/r.html" >"$tmp/blank.html"
chromium_run --screenshot="$tmp/blank.png" "file://$tmp/blank.html" >/dev/null
if [ -s "$tmp/blank.png" ] && ! "$png_check" "$tmp/blank.png" $regions >"$tmp/blank.out"; then
  pass "control: a page without lines and dots fails the screenshot check"
else
  fail "control: the check passed a page without lines and dots"; cat "$tmp/blank.out"
fi

# 4. --plots: a standalone SVG file renders by itself, with its marks.
svg=$tmp/plots/hyp.wfi-sim_time_ns.svg
if [ "$(ls "$tmp/plots" | wc -l)" -eq 8 ] && [ -s "$svg" ]; then
  chromium_window=720,320
  chromium_run --screenshot="$tmp/svg.png" "file://$svg" >/dev/null
  sed -e 's/<circle class="mark"[^>]*>.*<\/circle>//g' -e 's/<polyline [^>]*>//g' "$svg" >"$tmp/blank.svg"
  chromium_run --screenshot="$tmp/blank_svg.png" "file://$tmp/blank.svg" >/dev/null
  if "$png_check" "$tmp/svg.png" 80,30,620,220 >"$tmp/svg.out" && [ -s "$tmp/blank_svg.png" ] &&
     ! "$png_check" "$tmp/blank_svg.png" 80,30,620,220 >/dev/null; then
    pass "--plots: an SVG file alone shows its lines and dots (and fails the check without them)"
  else
    fail "--plots: the SVG file's screenshot check"; cat "$tmp/svg.out"
  fi
else
  fail "--plots wrote $(ls "$tmp/plots" | wc -l) files, want 8"
fi

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: sweep_report_chromium" && exit 0
exit 1
