#!/usr/bin/env bash
# wait-for-port.sh — waits until a TCP port accepts connections, as seen from the node (the
# head's GCS on 6379 after `ray start --head`, the dashboard on 8265, Serve on 8000).
# Input: {"host": "127.0.0.1", "port": 6379, "timeoutS": 60} (host defaults to 127.0.0.1).
# Output: one JSON line per second while waiting ({"kind":"waiting","elapsedS":N}), then
# {"kind":"result","open":true|false,"elapsedS":N}. Exit 0 when open, 1 on timeout.
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

printf '%s' "$input" | python3 -c '
import json, socket, sys, time
request = json.loads(sys.stdin.buffer.read().decode("utf-8") or "null") or {}
host = request.get("host") or "127.0.0.1"
port = request.get("port")
timeout = float(request.get("timeoutS") or 60)
if not isinstance(host, str) or not isinstance(port, int) or not 0 < port < 65536:
    sys.stdout.write(json.dumps({"kind": "result", "open": False, "error": "host must be text and port 1-65535"}) + "\n")
    sys.exit(2)
started = time.monotonic()
while True:
    elapsed = time.monotonic() - started
    try:
        with socket.create_connection((host, port), timeout=1):
            sys.stdout.write(json.dumps({"kind": "result", "open": True, "elapsedS": round(elapsed, 2)}) + "\n")
            sys.exit(0)
    except OSError:
        pass
    if elapsed >= timeout:
        sys.stdout.write(json.dumps({"kind": "result", "open": False, "elapsedS": round(elapsed, 2)}) + "\n")
        sys.exit(1)
    sys.stdout.write(json.dumps({"kind": "waiting", "elapsedS": round(elapsed)}) + "\n")
    sys.stdout.flush()
    time.sleep(1)
' &
wait $!
