#!/usr/bin/env bash
# stat-paths.sh — says which of the given paths exist on the node, without running anything
# else. Bring-up uses it to find a step's leftovers (venv, log, exit-code file) and resume;
# tests use it to look for files that must not exist.
# Input: {"paths": ["~/x", "/tmp/y", ...]} ("~/" is the login's home).
# Output: {"paths": {"<path as given>": {"exists": bool, "type": "file"|"dir"|"other"|null, "size": int|null}}}
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

printf '%s' "$input" | python3 -c '
import json, os, stat, sys
request = json.loads(sys.stdin.buffer.read().decode("utf-8") or "null") or {}
result = {}
for given in request.get("paths", []):
    if not isinstance(given, str):
        continue
    path = os.path.expanduser(given) if given.startswith("~/") else given
    try:
        st = os.lstat(path)
        kind = "dir" if stat.S_ISDIR(st.st_mode) else "file" if stat.S_ISREG(st.st_mode) else "other"
        result[given] = {"exists": True, "type": kind, "size": st.st_size}
    except OSError:
        result[given] = {"exists": False, "type": None, "size": None}
sys.stdout.write(json.dumps({"paths": result}, ensure_ascii=False) + "\n")
' &
wait $!
