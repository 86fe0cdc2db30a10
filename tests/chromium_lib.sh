# tests/chromium_lib.sh: sourced by the headless-Chromium tests after
# check_lib.sh ($tmp). Exits 77 (skipped) when Chromium is not installed.
# chromium_run ARGS...: one headless run with a fresh profile, nothing
# fetched from the network, a window of $chromium_window (default
# 1200,2000); Chromium's messages go to $tmp/chromium.log.
# body_attr DOM NAME: <body NAME="N">'s N in a page dumped with --dump-dom.
# plot_regions DOM: the data-rect (X,Y,W,H) of each plot inside the window.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "skipped: chromium is not installed (apt-get install --no-install-recommends chromium)"
  exit 77
fi
chromium_window=${chromium_window:-1200,2000}
chromium_run() {
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --window-size="$chromium_window" "$@" 2>>"$tmp/chromium.log"
}
body_attr() { sed -n "s/.*<body[^>]* $2=\"\([0-9]*\)\".*/\1/p" "$1" | head -1; }
plot_regions() {
  grep -o 'data-rect="[0-9]*,[0-9]*,[0-9]*,[0-9]*"' "$1" | sed 's/data-rect="\(.*\)"/\1/' |
    awk -F, -v h="${chromium_window#*,}" '$2 + $4 <= h {print}'
}
