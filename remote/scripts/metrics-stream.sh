#!/usr/bin/env bash
# metrics-stream.sh — the part of this node's Ray metrics page that Raydeck's monitor reads: ONE
# long-lived process per node, so the node's CPU cuts the page, not the core's.
# Input: {"port": 8080, "periodMs": 1000, "families": ["ray_serve_deployment_queued_queries", ...]}
# Every period it GETs http://127.0.0.1:PORT/metrics (Ray's metrics export port; Ray rewrites it
# every metrics report interval, 1 s as Raydeck starts Ray), keeps the lines of the wanted
# families (samples named FAMILY or FAMILY_bucket/_sum/_count/_total/_created, and the family's
# `# HELP` / `# TYPE` lines, in page order, unchanged) and prints:
#   the kept lines, then `--page--`, when they differ from the last page it printed;
#   `--same--` when they do not (the core reuses what it read of that page);
#   `--error-- MESSAGE` when the page cannot be read (Ray not up yet, ...); it goes on.
# Output starts with {"kind":"started","stream":"metrics","periodMs":N}; bad input prints
# {"kind":"error","message":...} and exits 2. Nothing from the input reaches a command line.
set -euo pipefail
input=$(cat)
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

prog=$(
  cat <<'PY'
import json, re, sys, time, urllib.request

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
SUFFIXES = ("", "_bucket", "_sum", "_count", "_total", "_created")
dumps = lambda o: json.dumps(o, separators=(",", ":"))


def read_input():
    try:
        r = json.loads(sys.stdin.read() or "null") or {}
    except ValueError:
        return None
    port, period, fams = r.get("port"), r.get("periodMs", 1000), r.get("families")
    whole = lambda x, lo, hi: isinstance(x, int) and not isinstance(x, bool) and lo <= x <= hi
    if not (whole(port, 1, 65535) and whole(period, 100, 60000)):
        return None
    if not isinstance(fams, list) or not 0 < len(fams) <= 100:
        return None
    if not all(isinstance(f, str) and NAME.fullmatch(f) for f in fams):
        return None
    return port, period, fams


def kept_lines(text, families, names):
    """The lines of the wanted families, in page order."""
    out = []
    for line in text.split("\n"):
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE") and parts[2] in families:
                out.append(line)
            continue
        m = NAME.match(line)
        if m and m.group() in names:
            out.append(line.rstrip("\r"))
    return out


def main():
    parsed = read_input()
    if parsed is None:
        print(dumps({"kind": "error", "message": "input: port 1-65535, periodMs an integer 100-60000, families 1-100 metric names"}))
        sys.exit(2)
    port, period, fams = parsed
    families = set(fams)
    names = {f + s for f in fams for s in SUFFIXES}
    url = "http://127.0.0.1:%d/metrics" % port
    # Straight to the node's own port: an http_proxy in the environment must not be used for it.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    out = sys.stdout
    out.write(dumps({"kind": "started", "stream": "metrics", "periodMs": period}) + "\n")
    out.flush()
    last = None
    due = time.monotonic()
    while True:
        try:
            with opener.open(url, timeout=max(2.0, period * 3 / 1000)) as resp:
                text = resp.read().decode("utf-8", "replace")
            page = "\n".join(kept_lines(text, families, names))
            msg = None
        except Exception as err:  # any failure to read the page is reported, and retried
            page, msg = None, " ".join(str(err).split())[:300] or type(err).__name__
        if msg is not None:
            last = None
            out.write("--error-- %s\n" % msg)
        elif page == last:
            out.write("--same--\n")
        else:
            last = page
            out.write(page + "\n--page--\n" if page else "--page--\n")
        out.flush()
        due += period / 1000
        delay = due - time.monotonic()
        if delay < 0:  # fell behind (a slow page): the next one a period from now, no burst
            due, delay = time.monotonic(), 0
        time.sleep(delay)


main()
PY
)
printf '%s' "$input" | python3 -u -c "$prog" &
wait $!
