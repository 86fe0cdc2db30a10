#!/usr/bin/env bash
# scripts/quickstart.sh: README quick start, step 1: install, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/demo.sh
