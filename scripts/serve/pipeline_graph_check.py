"""Runs the app builder's own graph checks (remote/raydeck_serve/raydeck_serve/graph.py, stdlib
only) on pipeline args, for core/pipeline/builder-agreement.test.ts: the editor's checks and the
builder must accept and refuse the same graphs, naming the same stage.

stdin: a JSON list of Serve application `args`; stdout: a JSON list of
{"ok": bool, "stage": str|None, "error": str|None}, one per args, in order.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "remote", "raydeck_serve"))

from raydeck_serve.graph import PipelineError, parse_pipeline  # noqa: E402


def verdict(args):
    try:
        parse_pipeline(args)
        return {"ok": True, "stage": None, "error": None}
    except PipelineError as e:
        return {"ok": False, "stage": e.stage, "error": str(e)}


print(json.dumps([verdict(a) for a in json.load(sys.stdin)]))
