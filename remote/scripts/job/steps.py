"""Which bash script (the job's run.sh) a bring-up step runs, built from its checked params:
install (step_install.py, vLLM in vllm_setup.py), start-head, join, stop, uninstall, drain
(step_ray.py) and model-fetch (step_model.py). Every script is check-then-act: re-running a
step that is already done changes nothing."""
from job_io import fail, venv_of
from step_install import install_script
from step_model import model_fetch_script
from step_ray import drain_script, start_script, stop_script, uninstall_script

HEAD = "set -euo pipefail\nexport PYTHONUNBUFFERED=1 RAY_USAGE_STATS_ENABLED=0\n"

def step_script(step, p, jobdir):
    """(run.sh's text, {file name: content} written 0600 beside it) for the step, or a refusal."""
    venv = venv_of(p)
    private_files = {}
    if step == "install":
        return install_script(HEAD, p, venv, jobdir, private_files), private_files
    if step in ("start-head", "join"):
        return start_script(HEAD, step, p, venv), private_files
    if step == "stop":
        return stop_script(HEAD, venv), private_files
    if step == "uninstall":
        return uninstall_script(HEAD, venv), private_files
    if step == "model-fetch":
        return model_fetch_script(HEAD, p, venv), private_files
    if step == "drain":
        return drain_script(HEAD, p, venv), private_files
    fail(f"unknown step {step!r}")
