"""The model-fetch step's script: the node fetches a Hugging Face repo itself into
~/.raydeck/models/<name>, with the huggingface_hub that comes with vLLM and transformers in
Raydeck's venv (a node brought up without vLLM says so)."""
import os, re
from job_io import fail, q, str_param

FETCH = ("import sys\n"
         "try:\n    from huggingface_hub import snapshot_download\n"
         "except ImportError:\n    sys.exit('huggingface_hub is not installed in the venv: bring the cluster up with Install vLLM on this node')\n"
         "print(snapshot_download(repo_id=sys.argv[1], revision=sys.argv[2] or None, local_dir=sys.argv[3]))\n")

def model_fetch_script(head, p, venv):
    py = os.path.join(venv, "bin", "python")
    repo = str_param(p, "repo", r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}", "org/name")
    revision = p.get("revision") or ""
    if revision and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,99}", revision):
        fail("params.revision must be a branch, tag or commit")
    target = str_param(p, "dir", r"~/\.raydeck/models/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", "~/.raydeck/models/<name>")
    if not os.path.exists(py):
        fail(f"Raydeck's venv is not on this node ({venv}): bring the cluster up (with vLLM) first")
    return head + (
        f"export HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_ETAG_TIMEOUT=20 HF_HUB_DOWNLOAD_TIMEOUT=60\n"
        f"echo {q('Fetching ' + repo + (' at ' + revision if revision else '') + ' from Hugging Face into ' + target)}\n"
        f"mkdir -p {q(os.path.expanduser(target))}\n"
        f"{q(py)} -c {q(FETCH)} {q(repo)} {q(revision)} {q(os.path.expanduser(target))}\n"
    )
