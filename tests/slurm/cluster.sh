#!/usr/bin/env bash
# tests/slurm/cluster.sh start|stop|status DIR [OWNER_PID]: a single-node Slurm cluster of
# this host, for the Slurm sweep test (docs/sweeps.md, "On a Slurm cluster").
# It installs nothing (scripts/setup.sh installs Debian's slurm-wlm and munge)
# and needs root: munged, slurmctld and slurmd run as root in the background
# with every file they write in DIR (key, configs, sockets, state, spool, logs,
# pid files). No systemd: the daemons are started by hand.
#
# Clients use the cluster with:  export SLURM_CONF=DIR/slurm.conf
# (slurm.conf's AuthInfo=socket=... points auth/munge and cred/munge at DIR's
# munge socket, so no MUNGE_SOCKET variable is needed.)
#
# start waits until `sinfo` shows the node idle; on any failure it stops what it
# started, prints the daemons' logs and exits 1. stop kills the daemons by the
# pids in their pid files. With OWNER_PID, start also leaves a watchdog that
# stops the cluster when that process ends (a test killed by a timeout leaves
# no daemons behind). Exit 77: slurm-wlm or munge is not installed.
set -u
cmd=${1:-} dir=${2:-} owner=${3:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|status DIR [OWNER_PID]" >&2
  exit 2
fi

say() { echo "cluster.sh: $*" >&2; }

daemon_pid() {  # daemon_pid NAME: the pid of a running daemon of ours, or nothing
  local f=$dir/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_daemon() {  # stop_daemon NAME: TERM, wait up to 10 s, then KILL
  local pid i
  pid=$(daemon_pid "$1") || { rm -f "$dir/$1.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$dir/$1.pid"
}

stop_all() {
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
}

free_port() {  # a TCP port that nothing on this host listens on (ports in /proc/net/tcp* are hex)
  local port hex
  for port in $(shuf -i 20000-59000 -n 50); do
    hex=$(printf '%04X' "$port")
    grep -q ":$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

start_failed() {
  say "$1"
  local log
  for log in munged slurmctld slurmd; do
    [ -s "$dir/log/$log.log" ] && { echo "--- $dir/log/$log.log (last lines)" >&2; tail -15 "$dir/log/$log.log" >&2; }
  done
  stop_all
  exit 1
}

start() {
  local bin
  for bin in munged slurmctld slurmd sinfo sbatch; do
    command -v "$bin" >/dev/null || { say "$bin not found: install slurm-wlm and munge (scripts/setup.sh)"; exit 77; }
  done
  [ "$(id -u)" = 0 ] || { say "start needs root (the daemons run as root)"; exit 1; }
  if daemon_pid slurmctld >/dev/null || daemon_pid slurmd >/dev/null || daemon_pid munged >/dev/null; then
    say "a cluster is already running in $dir (run: $0 stop $dir)"
    exit 1
  fi
  mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || exit 1
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" || exit 1
  chmod 700 "$dir/munge"

  # munged: its own key, socket, pid, seed and log, all in DIR.
  head -c 1024 /dev/urandom >"$dir/munge/munge.key" && chmod 400 "$dir/munge/munge.key" || exit 1
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
         --pid-file="$dir/munged.pid" --seed-file="$dir/munge/munged.seed" \
         --log-file="$dir/log/munged.log" || start_failed "munged did not start"
  local i
  for i in $(seq 1 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
  [ -S "$dir/munge/munge.socket" ] || start_failed "munged made no socket"

  # One node: this host as slurmd sees it (CPUs, sockets, cores, memory).
  local host node ctld_port slurmd_port
  host=$(hostname -s)
  node=$(slurmd -C 2>/dev/null | head -1)
  case "$node" in NodeName=*) ;; *) start_failed "slurmd -C did not describe this host";; esac
  ctld_port=$(free_port) && slurmd_port=$(free_port) || start_failed "no free TCP port"
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done

  cat >"$dir/slurm.conf" <<EOF
# Written by tests/slurm/cluster.sh: one node, no accounting, no cgroups.
ClusterName=rvhtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
# A short scheduling period: tests submit small arrays and wait for them.
SchedulerParameters=sched_interval=2,bf_interval=2
MinJobAge=300
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$dir/cgroup.conf" <<EOF
# Written by tests/slurm/cluster.sh: no cgroup plugin is used (proctrack/linuxproc, task/none).
CgroupAutomount=no
EOF
  export SLURM_CONF=$dir/slurm.conf

  # -i: ignore any saved state (a fresh cluster every start).
  slurmctld -i -f "$dir/slurm.conf" >>"$dir/log/slurmctld.out" 2>&1 || start_failed "slurmctld did not start"
  slurmd -f "$dir/slurm.conf" >>"$dir/log/slurmd.out" 2>&1 || start_failed "slurmd did not start"

  # Wait for the node to be idle (slurmd registered with slurmctld).
  local state=""
  for i in $(seq 1 120); do
    state=$(sinfo -h -n "$host" -o '%t' 2>/dev/null | head -1)
    [ "$state" = idle ] && break
    daemon_pid slurmctld >/dev/null || { sleep 0.5; daemon_pid slurmctld >/dev/null; } ||
      start_failed "slurmctld exited"
    sleep 0.5
  done
  [ "$state" = idle ] || start_failed "node $host is not idle after 60 s (state: ${state:-none})"
  daemon_pid slurmd >/dev/null || start_failed "slurmd exited"
  if [ -n "$owner" ]; then
    # The watchdog: its own session, no terminal, so nothing waits for it.
    setsid "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")" watch "$dir" "$owner" </dev/null >/dev/null 2>&1 &
  fi
  echo "cluster.sh: node $host idle; export SLURM_CONF=$dir/slurm.conf" >&2
}

watch() {  # until OWNER_PID ends (or the cluster is stopped), then stop the cluster
  while kill -0 "$owner" 2>/dev/null; do
    daemon_pid slurmctld >/dev/null || daemon_pid munged >/dev/null || exit 0
    sleep 2
  done
  stop_all
}

status() {
  local name code=0
  for name in munged slurmctld slurmd; do
    if pid=$(daemon_pid $name); then echo "$name: running (pid $pid)"; else echo "$name: not running"; code=1; fi
  done
  [ $code = 0 ] && SLURM_CONF=$dir/slurm.conf sinfo
  return $code
}

case "$cmd" in
  start) start ;;
  stop) stop_all ;;
  status) status ;;
  watch) watch ;;
  *) echo "usage: $0 start|stop|status DIR [OWNER_PID]" >&2; exit 2 ;;
esac
