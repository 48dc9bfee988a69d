#!/usr/bin/env bash
# preflight.sh — gathers the facts Raydeck checks before installing Ray on a node. Read-only:
# it creates nothing but a throw-away venv in a temporary folder (to prove venv works).
# Input (stdin, JSON): {"headHost": "10.0.0.1", "headPort": 6379} — both optional.
# Output: first line {"kind":"clock","epochMs":N} as early as possible (Raydeck timestamps its
# arrival to measure clock skew), last line {"kind":"facts", ...} (see core/nodes/preflight-facts.ts).
set -uo pipefail
# raydeck:prelude watchdog — the script catalog puts remote/scripts/prelude/watchdog.sh here

printf '{"kind":"clock","epochMs":%s}\n' "$(date +%s%3N)"
input=$(cat)

if ! command -v python3 >/dev/null 2>&1; then
  # Without python3 nothing of Ray can run; say so with what bash alone can tell.
  printf '{"kind":"facts","python":null,"cpuCount":%s,"kernel":null,"os":null}\n' "$(nproc 2>/dev/null || echo null)"
  exit 0
fi

read -r -d '' program <<'PY'
import glob, json, os, re, shutil, socket, subprocess, sys, tempfile, time

request = json.loads(sys.stdin.read() or "null") or {}
NULLS = {"[N/A]", "[Not Supported]", "N/A", "[Unknown Error]", "[Insufficient Permissions]", ""}

def run(argv, timeout=20):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "", str(e)

def os_release():
    info = {}
    try:
        with open("/etc/os-release") as f:
            for line in f:
                m = re.match(r'^([A-Z_]+)=("?)(.*)\2$', line.strip())
                if m:
                    info[m.group(1)] = m.group(3)
    except OSError:
        return None
    return {"id": info.get("ID"), "versionId": info.get("VERSION_ID"), "prettyName": info.get("PRETTY_NAME")}

def meminfo():
    values = {}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                key, rest = line.split(":", 1)
                values[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return {"totalBytes": values.get("MemTotal"), "availableBytes": values.get("MemAvailable")}

def disk():
    home = os.path.expanduser("~")
    try:
        u = shutil.disk_usage(home)
        return {"path": home, "freeBytes": u.free, "totalBytes": u.total}
    except OSError:
        return {"path": home, "freeBytes": None, "totalBytes": None}

def python():
    v = sys.version_info
    # --without-pip keeps this fast; ensurepip is what Debian moves into python3-venv.
    venv_ok, venv_error = False, None
    with tempfile.TemporaryDirectory(prefix="raydeck-preflight-") as tmp:
        code, _, err = run([sys.executable, "-m", "venv", "--without-pip", os.path.join(tmp, "v")], timeout=60)
        if code == 0:
            code, _, err = run([sys.executable, "-c", "import ensurepip"])
        venv_ok = code == 0
        if not venv_ok:
            venv_error = (err.strip().splitlines() or ["python3 -m venv failed"])[-1][:300]
    code, out, _ = run([sys.executable, "-m", "pip", "--version"])
    return {"version": "%d.%d.%d" % (v.major, v.minor, v.micro), "executable": sys.executable,
            "venv": venv_ok, "venvError": venv_error, "pip": code == 0}

def cell(text):
    text = text.strip()
    return None if text in NULLS else text

def gpus():
    smi = shutil.which("nvidia-smi")
    devices = sorted(glob.glob("/dev/nvidia[0-9]*"))
    result = {"nvidiaSmi": smi, "devices": devices, "error": None, "list": [], "driverVersion": None, "cudaVersion": None}
    if not smi:
        return result
    code, out, err = run([smi, "--query-gpu=index,name,uuid,memory.total,driver_version", "--format=csv,noheader,nounits"])
    if code != 0:
        result["error"] = ((err or out).strip().splitlines() or ["nvidia-smi exited with %s" % code])[0][:300]
        return result
    for line in out.splitlines():
        parts = [cell(p) for p in line.split(", ")]
        if len(parts) < 5:
            continue
        index, name, uuid, memory, driver = parts[:5]
        try:
            memory_mib = int(float(memory)) if memory is not None else None
        except ValueError:
            memory_mib = None
        result["list"].append({"index": int(index) if index and index.isdigit() else len(result["list"]),
                               "name": name, "uuid": uuid, "memoryMiB": memory_mib, "driverVersion": driver})
        result["driverVersion"] = result["driverVersion"] or driver
    code, out, _ = run([smi])
    m = re.search(r"CUDA Version:\s*([0-9]+(?:\.[0-9]+)*)", out or "")
    result["cudaVersion"] = m.group(1) if m else None
    return result

def rays():
    home = os.path.expanduser("~")
    candidates = [shutil.which("ray")]
    candidates += glob.glob(os.path.join(home, ".raydeck", "*", "bin", "ray"))
    candidates += glob.glob(os.path.join(home, "*", "bin", "ray")) + glob.glob(os.path.join(home, ".*", "bin", "ray"))
    candidates += glob.glob("/opt/*/bin/ray") + ["/usr/local/bin/ray"]
    found, seen = [], set()
    for path in candidates:
        if not path or not os.access(path, os.X_OK):
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        code, out, err = run([path, "--version"], timeout=60)
        m = re.search(r"version\s+([0-9][^\s,]*)", out or "")
        found.append({"path": path, "version": m.group(1) if m else None, "error": None if code == 0 else (err.strip()[-200:] or "exit %s" % code)})
    return found

def listening(ports):
    wanted, hits = set(ports), {}
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] != "0A":  # LISTEN
                        continue
                    address, port = fields[1].split(":")
                    port = int(port, 16)
                    if port in wanted and port not in hits:
                        hits[port] = {"port": port, "inode": fields[9], "process": None}
        except OSError:
            pass
    if hits:  # name the owner where /proc lets us (our own processes, or all as root)
        inodes = {h["inode"]: h for h in hits.values()}
        for fd in glob.glob("/proc/[0-9]*/fd/*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            m = re.match(r"socket:\[(\d+)\]", target)
            if m and m.group(1) in inodes and inodes[m.group(1)]["process"] is None:
                pid = fd.split("/")[2]
                try:
                    with open("/proc/%s/comm" % pid) as f:
                        name = f.read().strip()
                    if name.startswith("python"):  # name Ray's Python daemons by their script
                        with open("/proc/%s/cmdline" % pid, "rb") as f:
                            args = f.read().decode("utf-8", "replace").split("\0")
                        script = next((a for a in args[1:] if a.endswith(".py") and "/ray/" in a), None)
                        if script:
                            name = "ray " + os.path.basename(script)
                    inodes[m.group(1)]["process"] = name
                except OSError:
                    pass
    return [{"port": h["port"], "process": h["process"]} for h in sorted(hits.values(), key=lambda h: h["port"])]

def reach(host, port):
    if not isinstance(host, str) or not isinstance(port, int):
        return None
    started = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=3):
            outcome, error = "open", None
    except ConnectionRefusedError as e:
        outcome, error = "refused", str(e)
    except socket.timeout as e:
        outcome, error = "timeout", "no answer within 3 s"
    except OSError as e:
        outcome, error = "unreachable", str(e)
    return {"host": host, "port": port, "outcome": outcome, "error": error, "ms": round((time.monotonic() - started) * 1000)}

def dns_probe():
    """Looks up a name that cannot exist (RFC 6761 .invalid), in a thread: a resolver answers
    NXDOMAIN at once; without one that answers, glibc waits out its timeouts (5 s a try).
    Returns a function giving the outcome, waiting at most until 3 s after the probe began."""
    import threading
    result, started = {}, time.monotonic()
    def look():
        try:
            socket.getaddrinfo("raydeck-preflight.invalid", None)
            result["outcome"], result["error"] = "answered", None
        except socket.gaierror as e:
            gone = (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
            result["outcome"], result["error"] = ("nxdomain", None) if e.errno in gone else ("failed", str(e))
        result["ms"] = round((time.monotonic() - started) * 1000)
    thread = threading.Thread(target=look, daemon=True)
    thread.start()
    def outcome():
        thread.join(max(0.0, 3 - (time.monotonic() - started)))
        return dict(result) if "ms" in result else {"outcome": "timeout", "error": "no answer within 3 s", "ms": 3000}
    return outcome

dns = dns_probe()   # runs while the other facts are gathered
facts = {
    "kind": "facts",
    "hostname": socket.gethostname(),
    "os": os_release(),
    "kernel": os.uname().release,
    "arch": os.uname().machine,
    "cpuCount": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    "memory": meminfo(),
    "disk": disk(),
    "python": python(),
    "gpus": gpus(),
    "ray": rays(),
    "listening": listening([6379, 8265, 8000, 8080, 52365]),
    "head": reach(request.get("headHost"), request.get("headPort")),
    "dns": dns(),
    "epochMs": int(time.time() * 1000),
}
sys.stdout.write(json.dumps(facts) + "\n")
PY

printf '%s' "$input" | python3 -c "$program" &
wait $!
