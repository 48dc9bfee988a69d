#!/usr/bin/env bash
# gpu-stream.sh — the live GPU feeds of Raydeck's monitor: ONE long-lived process per node and stream.
# Input: {"stream": "gpu" | "apps" | "xid", "periodMs": 1000}
#   gpu:  nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,
#         temperature.gpu,power.draw --format=csv,noheader,nounits -lms PERIOD
#         (nvidia-smi's own loop: one block of CSV rows per period, streamed as it prints them);
#   apps: every PERIOD, one block: `bus UUID, PCI_BUS_ID` per GPU (--query-gpu=uuid,pci.bus_id,
#         for mapping Xid lines), nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory rows
#         as printed, `chain PID PPID ... 1` per compute-app pid (its parents from /proc/PID/stat,
#         so the core can find the Serve replica actor above vLLM's EngineCore without an exec
#         per sample), then `--end--` (no app rows: "no processes");
#   xid:  the kernel log's `NVRM: Xid` lines since boot, then as they come (journalctl -k, else
#         dmesg --follow), as printed (`[ seconds.micros] ...`, CLOCK_MONOTONIC). The started
#         line carries the node's monotonic clock ("monotonicS") to date them.
# Output: a first line {"kind":"started","stream":...}, then the lines above; when nvidia-smi is
# missing or fails, or no kernel log is readable: {"kind":"error","message":...} and exit 3.
# Nothing from the input reaches a command line except the validated period (an integer).
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

read -r stream period < <(printf '%s' "$input" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read() or "null") or {}
s = r.get("stream")
p = r.get("periodMs", 1000)
if s not in ("gpu", "apps", "xid") or not isinstance(p, int) or isinstance(p, bool) or not 100 <= p <= 60000:
    print("bad 0")
else:
    print(s, p)
')
if [ "$stream" = bad ]; then
  printf '{"kind":"error","message":"input: stream must be gpu, apps or xid, periodMs an integer 100-60000"}\n'
  exit 2
fi
json_str() { head -c 300 | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read().strip()))'; }

if [ "$stream" = xid ]; then
  sources=()
  # journalctl -k needs the journal group (or root); it prints nothing of the kernel otherwise.
  if [ -n "$(journalctl -k -b -n 1 -q --no-pager 2>/dev/null || true)" ]; then
    sources+=(journalctl)
  # dmesg fails with "Operation not permitted" when kernel.dmesg_restrict=1 and we are not root.
  elif dmesg >/dev/null 2>&1; then
    sources+=(dmesg)
  fi
  # STAND-IN part (the testbed only): the testbed's GPU stand-in never writes the host's kernel
  # log; its Xid lines go to kmsg-standin.log beside its state file (scripts/testbed/
  # tb_standin_xid.py), where the stand-in nvidia-smi reads its state. Followed (tail -F: also
  # once it appears) on a node that has that state file, i.e. a testbed node.
  standin_state=${NVIDIA_SMI_STANDIN_STATE:-/var/lib/raydeck-testbed/nodes/$(uname -n)/gpu.json}
  standin_log="$(dirname "$standin_state")/kmsg-standin.log"
  if [ -f "$standin_state" ]; then sources+=(testbed-standin); fi
  if [ ${#sources[@]} -eq 0 ]; then
    printf '{"kind":"error","message":"kernel log not readable by %s on %s (journalctl -k shows it nothing, dmesg is restricted: kernel.dmesg_restrict=%s): Xid errors cannot be seen on this node"}\n' \
      "$(id -un)" "$(uname -n)" "$(cat /proc/sys/kernel/dmesg_restrict 2>/dev/null || echo '?')"
    exit 3
  fi
  mono=$(python3 -c 'import time; print("%.6f" % time.monotonic())')
  list=$(printf '"%s",' "${sources[@]}")
  printf '{"kind":"started","stream":"xid","sources":[%s],"monotonicS":%s}\n' "${list%,}" "$mono"
  for s in "${sources[@]}"; do
    case $s in
      journalctl) journalctl -k -b -f --no-tail -q --no-pager -o short-monotonic ;;
      dmesg) dmesg --follow ;;
      testbed-standin) tail -n +1 -F "$standin_log" 2>/dev/null ;;
    esac | grep --line-buffered -F 'NVRM: Xid' &
  done
  rc=0
  wait -n || rc=$?
  printf '{"kind":"error","message":"kernel log stream ended (exit %s)"}\n' "$rc"
  exit 3
fi

if ! command -v nvidia-smi >/dev/null 2>&1; then
  printf '{"kind":"error","message":"nvidia-smi is not installed on this node"}\n'
  exit 3
fi
printf '{"kind":"started","stream":"%s","periodMs":%s}\n' "$stream" "$period"
if [ "$stream" = gpu ]; then
  nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw \
    --format=csv,noheader,nounits -lms "$period" &
  rc=0
  wait $! || rc=$?
  printf '{"kind":"error","message":"nvidia-smi ended (exit %s)"}\n' "$rc"
  exit 3
fi

# The pid and its parents up to pid 1 (at most 32), from /proc/PID/stat (field 4, after the
# command name in parentheses, which may itself hold spaces and parentheses). No exec.
chain() {
  local p=$1 out=$1 s n=0
  while [ "$p" -gt 1 ] && [ $n -lt 32 ] && { read -r s <"/proc/$p/stat"; } 2>/dev/null; do
    s=${s##*) }
    set -- $s
    p=$2
    out="$out $p"
    n=$((n + 1))
  done
  printf 'chain %s\n' "$out"
}

sleep_s=$(python3 -c "print($period / 1000)")
while :; do
  # A GPU that fell off the bus makes both queries print an error line for it and fail while
  # the other GPUs' rows still come: keep the rows; fail only when nothing usable came.
  apps_rc=0
  ids=$(nvidia-smi --query-gpu=uuid,pci.bus_id --format=csv,noheader 2>&1) || true
  out=$(nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv,noheader,nounits 2>&1) || apps_rc=$?
  block=$(printf '%s\n' "$ids" | sed -n 's/^\(GPU-[^,]*, .*\)$/bus \1/p')
  if [ "$apps_rc" -ne 0 ] && [ -z "$block" ]; then
    printf '{"kind":"error","message":%s}\n' "$(printf '%s' "$out" | json_str)"
    exit 3
  fi
  out=$(printf '%s\n' "$out" | grep -E '^[^,]+, *[0-9]+, ' || true)
  [ -n "$out" ] && block+=$'\n'"$out"
  pids=$(printf '%s\n' "$out" | sed -n 's/^[^,]*, *\([0-9][0-9]*\),.*$/\1/p' | sort -un)
  for p in $pids; do block+=$'\n'"$(chain "$p")"; done
  printf '%s\n--end--\n' "$block"
  sleep "$sleep_s" &
  wait $!
done
