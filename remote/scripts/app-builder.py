#!/usr/bin/env python3
"""Raydeck's Serve app builder (the raydeck_serve package, issue 17) in the node's venv
(~/.raydeck/venv): which version is installed, and installing the wheel the core uploaded.

Input: JSON on stdin (never on the command line):
  {"action": "version"}
  {"action": "install", "wheel": "~/.raydeck/wheels/raydeck_serve-<version>-py3-none-any.whl",
   "sha256": "<hex of the file the core sent>", "version": "<version>"}
Output: JSON lines, the result last:
  version -> {"kind": "result", "venv": bool, "installed": "<version>" | null}
  install -> {"kind": "result", "venv": true, "installed": "<version>", "previous": "<version>" | null}
  a refusal or a failure -> {"kind": "result", "error": "...", "hint": "..."} (exit 0: the core
  shows the message; exit 2 only for input that is not what the core sends).
The install is pip's, offline and alone: `pip install --no-deps --no-index --force-reinstall
<the wheel file>` with the node's pip configuration ignored (no index is ever asked). It takes
the same lock as the job runner's venv writers (remote/scripts/job/) and refuses while a bring-up install or uninstall is
running in the venv. The wheel's sha256 is checked on the node before pip sees it.
"""
import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys

VENV = os.path.expanduser("~/.raydeck/venv")
PYTHON = os.path.join(VENV, "bin", "python")
JOBS = os.path.expanduser("~/.raydeck/jobs")
WHEEL = re.compile(r"~/\.raydeck/wheels/raydeck_serve-([0-9][0-9A-Za-z.+]{0,40})-py3-none-any\.whl")
VERSION_CODE = "import raydeck_serve; print(raydeck_serve.__version__)"


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def refuse(error, hint):
    out({"kind": "result", "error": error, "hint": hint})
    sys.exit(0)


def bad_input(msg):
    out({"kind": "result", "error": msg})
    sys.exit(2)


def installed_version():
    """The raydeck_serve version the venv imports, or None (no venv, not installed, broken)."""
    if not os.access(PYTHON, os.X_OK):
        return None
    try:
        r = subprocess.run([PYTHON, "-c", VERSION_CODE], capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    line = r.stdout.strip().splitlines()[-1:] if r.returncode == 0 else []
    return line[0] if line else None


def venv_writer_running():
    """The install/uninstall job writing this venv now, or None (VENV_WRITERS of job/__main__.py)."""
    key = hashlib.sha256(VENV.encode()).hexdigest()[:16]
    try:
        with open(os.path.join(JOBS, f".venv-{key}.owner")) as f:
            job, step = f.read().split()
    except (OSError, ValueError):
        return None, key
    jobdir = os.path.join(JOBS, job)
    if os.path.exists(os.path.join(jobdir, "exit")):
        return None, key
    try:
        with open(os.path.join(jobdir, "pid")) as f:
            os.kill(int(f.read().strip()), 0)
    except (OSError, ValueError):
        return None, key
    return f"{step} job {job}", key


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def install(req):
    wheel, digest, version = req.get("wheel"), req.get("sha256"), req.get("version")
    m = WHEEL.fullmatch(wheel) if isinstance(wheel, str) else None
    if not m:
        bad_input("wheel must be ~/.raydeck/wheels/raydeck_serve-<version>-py3-none-any.whl")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        bad_input("sha256 must be 64 hex digits")
    if version != m.group(1):
        bad_input("version must be the wheel's version")
    path = os.path.expanduser(wheel)
    if not os.access(PYTHON, os.X_OK):
        refuse(f"there is no venv at {VENV} on this node", "Bring the cluster up first: Raydeck installs Ray into that venv.")
    if not os.path.isfile(path):
        refuse(f"{wheel} is not on the node", "The upload did not arrive: apply again.")
    if sha256(path) != digest:
        refuse(f"{wheel} on the node is not the file Raydeck sent (sha256 differs)", "Apply again: Raydeck uploads it anew.")
    writer, key = venv_writer_running()
    if writer:
        refuse(f"a bring-up {writer} is writing {VENV}", "Wait for the bring-up to end, then apply again.")
    os.makedirs(JOBS, mode=0o700, exist_ok=True)
    with open(os.path.join(JOBS, f".venv-{key}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        previous = installed_version()
        # The node's pip configuration is not read (PIP_CONFIG_FILE=/dev/null, no PIP_* from the
        # login): the wheel file alone, no index, no dependencies (Ray is the venv's already).
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
        out({"kind": "log", "data": f"Installing {os.path.basename(path)} into {VENV}\n"})
        r = subprocess.run([PYTHON, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall",
                            "--disable-pip-version-check", "--no-input", "--quiet", path],
                           capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=600)
        if r.returncode != 0:
            tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
            refuse(f"pip could not install {os.path.basename(path)}: {' / '.join(tail) or f'exit {r.returncode}'}",
                   f"Run {PYTHON} -m pip install --no-deps {path} on the node to see pip's whole message.")
        now = installed_version()
    if now != version:
        refuse(f"after the install the venv imports raydeck_serve {now!r}, not {version}",
               f"Check {VENV} on the node: another raydeck_serve may shadow it (PYTHONPATH, a .pth file).")
    out({"kind": "result", "venv": True, "installed": now, "previous": previous})


def main():
    try:
        req = json.load(sys.stdin)
    except ValueError as e:
        bad_input(f"input is not JSON: {e}")
    if not isinstance(req, dict):
        bad_input("input must be a JSON object")
    action = req.get("action")
    if action == "version":
        out({"kind": "result", "venv": os.access(PYTHON, os.X_OK), "installed": installed_version()})
    elif action == "install":
        install(req)
    else:
        bad_input("action must be version or install")


if __name__ == "__main__":
    main()
