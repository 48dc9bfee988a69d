#!/usr/bin/env python3
"""Extracts vLLM's engine argument names from vLLM's own source, without importing vLLM.

Ray Serve LLM accepts an `engine_kwargs` key only if it is a field of vLLM's dataclasses
`AsyncEngineArgs` (with `EngineArgs`, in vllm/engine/arg_utils.py) or `FrontendArgs` (with
`BaseFrontendArgs`, in vllm/entrypoints/launchers/cli_args.py); anything else fails on the
cluster with "Unknown engine argument" (ray python/ray/llm/_internal/serve/engines/vllm/
vllm_models.py). This script reads those classes with Python's `ast` from the PyPI wheel (vLLM
imports torch, so it is never installed or imported here) and writes
shared/serve/engine-args-<version>.json, which the Serve validator checks engine_kwargs against.

Usage: python3 scripts/serve/extract-engine-args.py [--version 0.29.0] [--wheel PATH] [--out PATH]
Without --wheel it runs `pip download --no-deps vllm==VERSION` into .cache/serve/wheels
(git-ignored; about 300 MB, fetched once).
"""
from __future__ import annotations

import argparse
import ast
import json
import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENGINE_FILE = "vllm/engine/arg_utils.py"
FRONTEND_FILE = "vllm/entrypoints/launchers/cli_args.py"
# Where Ray Serve LLM takes each class from (same order as its own check).
CLASSES = [
    (ENGINE_FILE, "EngineArgs", "engine"),
    (ENGINE_FILE, "AsyncEngineArgs", "engine"),
    (FRONTEND_FILE, "BaseFrontendArgs", "frontend"),
    (FRONTEND_FILE, "FrontendArgs", "frontend"),
]


def find_wheel(version: str) -> pathlib.Path:
    cache = ROOT / ".cache" / "serve" / "wheels"
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(f"vllm-{version}-*.whl"))
    if found:
        return found[0]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", f"vllm=={version}", "-d", str(cache)],
        check=True,
    )
    found = sorted(cache.glob(f"vllm-{version}-*.whl"))
    if not found:
        sys.exit(f"extract-engine-args: no vllm-{version} wheel in {cache} after pip download")
    return found[0]


def class_fields(tree: ast.Module, name: str) -> list[tuple[str, ast.expr, ast.expr | None]]:
    """(name, annotation, default) of a dataclass body, in order; ClassVar skipped.

    Private names (`_api_process_count`) stay: `dataclasses.fields`, which Ray checks, lists them.
    """
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            out = []
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    if "ClassVar" in ast.unparse(stmt.annotation):
                        continue
                    out.append((stmt.target.id, stmt.annotation, stmt.value))
            return out
    raise SystemExit(f"extract-engine-args: class {name} not found")


def config_defaults(zf: zipfile.ZipFile) -> dict[str, dict[str, ast.expr | None]]:
    """Class -> field -> default expression, for the config classes in vllm/config/*.py."""
    classes: dict[str, dict[str, ast.expr | None]] = {}
    for info in zf.infolist():
        if info.filename.startswith("vllm/config/") and info.filename.endswith(".py"):
            tree = ast.parse(zf.read(info).decode())
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    classes[node.name] = {
                        s.target.id: s.value for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                    }
    return classes


def describe_default(expr: ast.expr | None, configs: dict[str, dict[str, ast.expr | None]]) -> dict:
    if expr is None:
        return {"required": True}
    out: dict = {}
    # `ModelConfig.dtype`: follow into vllm/config/*.py, once.
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in configs:
        declared = configs[expr.value.id].get(expr.attr)
        out["declared_as"] = f"{expr.value.id}.{expr.attr}"
        if declared is not None:
            expr = declared
    # `Field(default=0.92, gt=0, le=1)` (pydantic dataclasses): the default keyword.
    if isinstance(expr, ast.Call) and ast.unparse(expr.func).endswith("Field"):
        out["constraint"] = ast.unparse(expr)
        expr = next((k.value for k in expr.keywords if k.arg == "default"), expr)
    try:
        out["default"] = ast.literal_eval(expr)
    except (ValueError, SyntaxError, TypeError):
        out["default_expr"] = ast.unparse(expr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--version", default="0.29.0")
    parser.add_argument("--wheel", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args()
    wheel = args.wheel or find_wheel(args.version)
    out_path = args.out or ROOT / "shared" / "serve" / f"engine-args-{args.version}.json"
    with zipfile.ZipFile(wheel) as zf:
        trees = {f: ast.parse(zf.read(f).decode()) for f in (ENGINE_FILE, FRONTEND_FILE)}
        configs = config_defaults(zf)
        fields: dict[str, dict] = {}
        for file, cls, kind in CLASSES:
            for name, annotation, default in class_fields(trees[file], cls):
                entry = {"name": name, "kind": kind, "class": cls, "type": ast.unparse(annotation)}
                entry.update(describe_default(default, configs))
                # A subclass redeclaring a field wins, as in dataclasses; Ray tries frontend first.
                fields[name] = entry
    result = {
        "vllm_version": args.version,
        "source": f"{wheel.name}: fields of {', '.join(c for _, c, _ in CLASSES)} "
        f"({ENGINE_FILE}, {FRONTEND_FILE}), read with ast by scripts/serve/extract-engine-args.py",
        "count": len(fields),
        "fields": sorted(fields.values(), key=lambda f: f["name"]),
    }
    out_path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(f"extract-engine-args: {len(fields)} fields -> {out_path.relative_to(ROOT) if out_path.is_relative_to(ROOT) else out_path}")


if __name__ == "__main__":
    main()
