#!/usr/bin/env bash
# model-files.sh — a model folder Raydeck keeps on the node (~/.raydeck/models/<name>): which of
# the source's files are already there with the same bytes, and, once a push is done, the seal.
# Input: {"action": "check"|"seal", "dir": "~/.raydeck/models/<name>",
#         "files": [{"path": "rel/path", "size": int, "sha256": "hex"}]}
# check -> {"dir": "<absolute>", "files": {"rel/path": "same"|"missing"|"differs"}}
#   A file's hash is taken from the folder's manifest (.raydeck-model.json) while its size and
#   mtime still match what the manifest recorded, else computed: a re-push of a multi-GB model
#   reads no file twice.
# seal -> verifies every listed file's sha256 on the node (what arrived is what was sent),
#   removes files the source no longer has, writes the manifest; {"dir", "verified": n,
#   "removed": [...]} or {"error": "..."} naming the first file that does not match.
# Paths are relative, inside the folder (no "..", no absolute paths, no symlinks followed out).
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

printf '%s' "$input" | python3 -c '
import hashlib, json, os, re, sys
MANIFEST = ".raydeck-model.json"
def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
def fail(msg):
    out({"error": msg})
    sys.exit(2)
req = json.loads(sys.stdin.buffer.read().decode("utf-8") or "null")
if not isinstance(req, dict):
    fail("input must be a JSON object")
d = req.get("dir")
if not isinstance(d, str) or not re.fullmatch(r"~/\.raydeck/models/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", d):
    fail("dir must be ~/.raydeck/models/<name>")
root = os.path.realpath(os.path.expanduser(d))
files = req.get("files")
if not isinstance(files, list) or len(files) > 100000:
    fail("files must be a list")
wanted = {}
for f in files:
    p = f.get("path") if isinstance(f, dict) else None
    if not isinstance(p, str) or not p or p.startswith("/") or ".." in p.split("/") or p == MANIFEST or len(p) > 1000:
        fail(f"bad file path {p!r}")
    if not isinstance(f.get("size"), int) or not re.fullmatch(r"[0-9a-f]{64}", str(f.get("sha256"))):
        fail(f"bad size or sha256 for {p!r}")
    wanted[p] = f
def inside(p):
    full = os.path.realpath(os.path.join(root, p))
    return full if full.startswith(root + os.sep) else None
def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
try:
    with open(os.path.join(root, MANIFEST)) as fh:
        manifest = json.load(fh).get("files", {})
except (OSError, ValueError, AttributeError):
    manifest = {}
def current(p):
    """(size, sha256) of the file on the node, or None."""
    full = inside(p)
    if full is None or not os.path.isfile(full):
        return None
    st = os.stat(full)
    known = manifest.get(p)
    if isinstance(known, dict) and known.get("size") == st.st_size and known.get("mtime") == st.st_mtime_ns:
        return st.st_size, known.get("sha256"), st.st_mtime_ns
    return st.st_size, sha256(full), st.st_mtime_ns
action = req.get("action")
if action == "check":
    result = {}
    for p, f in wanted.items():
        cur = current(p) if os.path.isdir(root) else None
        result[p] = "missing" if cur is None else ("same" if cur[0] == f["size"] and cur[1] == f["sha256"] else "differs")
    out({"dir": root, "files": result})
elif action == "seal":
    if not os.path.isdir(root):
        fail(f"{root} does not exist")
    record = {}
    for p, f in wanted.items():
        full = inside(p)
        if full is None or not os.path.isfile(full):
            fail(f"{p} is missing on the node after the push")
        st = os.stat(full)
        digest = sha256(full)
        expected = f["sha256"]
        if st.st_size != f["size"] or digest != expected:
            fail(f"{p} on the node does not match the source (sha256 {digest[:12]}..., expected {expected[:12]}...)")
        record[p] = {"size": st.st_size, "sha256": digest, "mtime": st.st_mtime_ns}
    removed = []
    for base, dirs, names in os.walk(root):
        for n in names:
            rel = os.path.relpath(os.path.join(base, n), root)
            if rel != MANIFEST and rel not in wanted:
                os.remove(os.path.join(base, n))
                removed.append(rel)
    tmp = os.path.join(root, MANIFEST + ".tmp")
    with open(tmp, "w") as fh:
        json.dump({"files": record}, fh)
    os.replace(tmp, os.path.join(root, MANIFEST))
    out({"dir": root, "verified": len(record), "removed": sorted(removed)})
else:
    fail("action must be check or seal")
' &
wait $!
