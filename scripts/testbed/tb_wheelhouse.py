"""The testbed wheelhouse: pinned ray[serve] and its dependencies as wheels for the nodes'
Python (Debian python3.11, x86_64), cached in <repo>/.cache/wheelhouse (git-ignored), and a
generated PEP 503 simple index (simple/<normalized-name>/index.html, links with #sha256=).

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

from tb_common import RAY_SPEC, WHEELHOUSE, TestbedError, log

FILES = os.path.join(WHEELHOUSE, "files")
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
            return json.load(f).get("spec") == RAY_SPEC and os.path.isdir(SIMPLE)
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
    os.makedirs(FILES, exist_ok=True)
    cmd = [pip_python(), "-m", "pip", "download", "--disable-pip-version-check", "-d", FILES,
           *TARGET, RAY_SPEC, *extra]
    log(f"wheelhouse: downloading {RAY_SPEC} into {FILES}")
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
    for fn in sorted(os.listdir(FILES)):
        if fn.endswith((".whl", ".tar.gz", ".zip")):
            projects.setdefault(project_of(fn), []).append(fn)
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
            for fn in fns:
                digest = sha256(os.path.join(FILES, fn))
                f.write(f'<a href="../../files/{html.escape(fn)}#sha256={digest}">{html.escape(fn)}</a><br>\n')
            f.write("</body></html>\n")
    return projects


def ensure(force=False):
    if is_complete() and not force:
        return False
    download()
    projects = build_index()
    if "ray" not in projects:
        raise TestbedError("wheelhouse has no ray wheel")
    with open(MARKER, "w") as f:
        json.dump({"spec": RAY_SPEC, "projects": len(projects),
                   "files": sum(len(v) for v in projects.values())}, f)
    log(f"wheelhouse: {len(projects)} projects indexed in {SIMPLE}")
    return True
