#!/usr/bin/env python3
"""Builds raydeck_serve-<version>-py3-none-any.whl from remote/raydeck_serve (the app builder the
nodes install into ~/.raydeck/venv), byte for byte the same from the same sources: files in
sorted order, one fixed timestamp, fixed modes, no build tool. Standard library only, so it runs
with any python3 (no setuptools, no index): a pure-Python wheel is a zip with a .dist-info
folder (METADATA, WHEEL, top_level.txt, RECORD; PEP 427 / 376).

Usage: scripts/pipeline/build_wheel.py [OUT_DIR]   (default .cache/pipeline/dist)
Prints {"wheel", "version", "sha256"} as JSON.
"""
import base64
import hashlib
import json
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "remote", "raydeck_serve")
PACKAGE = "raydeck_serve"
# 1980-01-01, the earliest time a zip entry can carry: no build time leaks into the bytes.
STAMP = (1980, 1, 1, 0, 0, 0)


def version() -> str:
    with open(os.path.join(SOURCE, PACKAGE, "__init__.py")) as f:
        match = re.search(r'^__version__ = "([^"]+)"$', f.read(), re.M)
    if not match:
        raise SystemExit(f"build-wheel: no __version__ in {PACKAGE}/__init__.py")
    return match.group(1)


def sources():
    """(path in the wheel, bytes) of every .py of the package, sorted."""
    found = []
    for folder, dirs, files in os.walk(os.path.join(SOURCE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    found.append((os.path.relpath(path, SOURCE).replace(os.sep, "/"), f.read()))
    return sorted(found)


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build(out_dir: str) -> dict:
    v = version()
    dist_info = f"{PACKAGE}-{v}.dist-info"
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {PACKAGE}\n"
        f"Version: {v}\n"
        "Summary: Raydeck's Ray Serve app builder: a pipeline graph in a Serve config's args -> a Serve application\n"
        "License: Apache-2.0\n"
        "Requires-Python: >=3.9\n"
        "Requires-Dist: ray[serve]>=2.60\n"
        "Provides-Extra: embedding\n"
        'Requires-Dist: sentence-transformers>=3; extra == "embedding"\n'
    )
    wheel = "Wheel-Version: 1.0\nGenerator: raydeck build_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = sources() + [
        (f"{dist_info}/METADATA", metadata.encode()),
        (f"{dist_info}/WHEEL", wheel.encode()),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()),
    ]
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data in entries) + f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))

    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, f"{PACKAGE}-{v}-py3-none-any.whl")
    partial = target + ".partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever machine builds it
            zf.writestr(info, data, compresslevel=9)
    os.replace(partial, target)
    with open(target, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return {"wheel": target, "version": v, "sha256": digest}


if __name__ == "__main__":
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        raise SystemExit(__doc__)
    out = sys.argv[1] if len(sys.argv) == 2 else os.path.join(ROOT, ".cache", "pipeline", "dist")
    print(json.dumps(build(out)))
