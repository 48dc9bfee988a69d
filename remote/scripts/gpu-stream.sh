#!/usr/bin/env bash
# gpu-stream.sh — the live GPU feed of Raydeck's monitor: ONE long-lived nvidia-smi per node.
# Input: {"stream": "gpu" | "apps", "periodMs": 1000}
#   gpu:  nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,
#         temperature.gpu,power.draw --format=csv,noheader,nounits -lms PERIOD
#         (nvidia-smi's own loop: one block of CSV rows per period, streamed as it prints them);
#   apps: every PERIOD, nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory
#         --format=csv,noheader,nounits, then a line `--end--` (an empty block is "no processes").
# Output: nvidia-smi's lines as they come. A first line {"kind":"started","stream":...}; when
# nvidia-smi is missing or fails: {"kind":"error","message":...} on stdout and exit 3.
# Nothing from the input reaches a command line except the validated period (an integer).
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

read -r stream period < <(printf '%s' "$input" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read() or "null") or {}
s = r.get("stream")
p = r.get("periodMs", 1000)
if s not in ("gpu", "apps") or not isinstance(p, int) or isinstance(p, bool) or not 100 <= p <= 60000:
    print("bad 0")
else:
    print(s, p)
')
if [ "$stream" = bad ]; then
  printf '{"kind":"error","message":"input: stream must be gpu or apps, periodMs an integer 100-60000"}\n'
  exit 2
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
sleep_s=$(python3 -c "print($period / 1000)")
while :; do
  if ! out=$(nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv,noheader,nounits 2>&1); then
    msg=$(printf '%s' "$out" | head -c 300 | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read().strip()))')
    printf '{"kind":"error","message":%s}\n' "$msg"
    exit 3
  fi
  [ -n "$out" ] && printf '%s\n' "$out"
  printf -- '--end--\n'
  sleep "$sleep_s" &
  wait $!
done
