#!/usr/bin/env bash
# echo-input.sh — prints the JSON it received on stdin back as one JSON line, unchanged.
# Raydeck uses it to check the whole path to a node (upload, exec, stdin, stdout) and the tests
# use it to prove that arguments are data: quotes, $(...), backticks and newlines come back
# byte for byte and nothing runs. Input: any JSON value. Output: {"input": <the same value>}.
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

printf '%s' "$input" | python3 -c '
import json, sys
value = json.loads(sys.stdin.buffer.read().decode("utf-8"))
sys.stdout.write(json.dumps({"input": value}, ensure_ascii=False) + "\n")
' &
wait $!
