#!/bin/sh
# report_chromium_test.sh RVH_VP SW_DIR PNG_CHECK: the --report page of a
# real run, opened in headless Chromium (Debian's `chromium`) as a person
# would open it: the page's own script must find every plot drawn
# (--dump-dom), and a screenshot must show marks inside the plots it
# covers (tests/tools/png_check.cpp). As a control, the same page with its
# bars removed must fail the screenshot check. A two-VM run's page (VMs and
# scheduler sections) must have every plot drawn too. Skipped (77) only
# when Chromium is not installed.
set -u
vp=$1 sw=$2 png_check=$3
. "$(dirname "$0")/check_lib.sh"
. "$(dirname "$0")/chromium_lib.sh"
guest=$sw/g_smoke_all.elf
[ -f "$guest" ] || { echo "FAIL: $guest not built"; exit 1; }

"$vp" --hyp --no-stdin --kernel "$guest" --stats "$tmp/s.json" --report "$tmp/r.html" >"$tmp/run.out" 2>&1; code=$?
[ $code -eq 0 ] && [ -s "$tmp/r.html" ] || { echo "FAIL: the run did not write a report (exit $code)"; tail "$tmp/run.out"; exit 1; }

# 1. The page's script measured the plots: all drawn.
chromium_run --dump-dom "file://$tmp/r.html" >"$tmp/dom.html"
plots=$(body_attr "$tmp/dom.html" data-plots)
drawn=$(body_attr "$tmp/dom.html" data-plots-drawn)
if [ -n "$plots" ] && [ "$plots" -ge 5 ] && [ "$plots" = "$drawn" ]; then
  pass "Chromium drew all $plots plots"
else
  fail "plots drawn: '$drawn' of '$plots'"; tail -5 "$tmp/chromium.log"
fi

# 2. The screenshot shows marks inside each plot in the window.
chromium_run --screenshot="$tmp/shot.png" "file://$tmp/r.html" >/dev/null
regions=$(plot_regions "$tmp/dom.html")
count=$(echo "$regions" | grep -c .)
if [ "$count" -ge 3 ] && [ -s "$tmp/shot.png" ] && "$png_check" "$tmp/shot.png" $regions; then
  pass "screenshot: marks in all $count plots on screen"
else
  fail "screenshot check ($count plot regions on screen)"
fi

# 3. Control: without its bars the same page fails the check.
sed 's/<rect class="mark"[^>]*>//g' "$tmp/r.html" >"$tmp/blank.html"
chromium_run --screenshot="$tmp/blank.png" "file://$tmp/blank.html" >/dev/null
if [ -s "$tmp/blank.png" ] && ! "$png_check" "$tmp/blank.png" $regions >"$tmp/blank.out"; then
  pass "control: a page without bars fails the screenshot check"
else
  fail "control: the check passed a page without bars"; cat "$tmp/blank.out"
fi

# 4. Two VMs on one hart (--vm): the page with its VMs and scheduler
# sections, every plot drawn, the per-VM ones too.
"$vp" --hyp --no-stdin --smp 1 --vm kernel="$sw/g_timer.elf" --vm kernel="$sw/g_ipi.elf",smp=2 \
      --stats "$tmp/vms.json" --report "$tmp/vms.html" >"$tmp/vms.out" 2>&1; code=$?
chromium_run --dump-dom "file://$tmp/vms.html" >"$tmp/vms_dom.html"
plots=$(body_attr "$tmp/vms_dom.html" data-plots)
drawn=$(body_attr "$tmp/vms_dom.html" data-plots-drawn)
if [ $code -eq 0 ] && [ -n "$plots" ] && [ "$plots" -ge 8 ] && [ "$plots" = "$drawn" ] &&
   grep -q 'id="vms"' "$tmp/vms_dom.html" && grep -q 'id="scheduler"' "$tmp/vms_dom.html"; then
  pass "two VMs: Chromium drew all $plots plots"
else
  fail "two VMs: plots drawn '$drawn' of '$plots' (exit $code)"; tail -3 "$tmp/vms.out"
fi

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: report_chromium" && exit 0
exit 1
