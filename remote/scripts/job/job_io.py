"""Input checks and output of the bring-up job runner (remote/scripts/job/): JSON lines out,
a refusal as {"error"} with exit 2, the checks the steps apply to their params, and `q`, the
only way a value from the input reaches a generated step script (shlex.quote)."""
import json, os, re, shlex, sys

q = shlex.quote

def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def fail(msg):
    out({"error": msg})
    sys.exit(2)

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

def venv_of(p):
    v = p.get("venv", "~/.raydeck/venv")
    if not isinstance(v, str) or not re.fullmatch(r"~?[A-Za-z0-9_./-]{1,200}", v):
        fail("params.venv must be a plain path")
    return os.path.expanduser(v)
