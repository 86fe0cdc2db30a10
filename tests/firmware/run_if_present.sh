#!/bin/sh
# run_if_present.sh FILE... -- COMMAND...: run COMMAND if every FILE exists,
# otherwise exit 77 (ctest's SKIP_RETURN_CODE) naming the missing one.
while [ "$1" != "--" ]; do
  if [ ! -e "$1" ]; then
    echo "skipped: $1 is not installed (apt-get install opensbi u-boot-qemu)"
    exit 77
  fi
  shift
done
shift
exec "$@"
