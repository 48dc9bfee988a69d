"""Raydeck bring-up jobs on a node — the protocol and the runner: install Ray into a venv, start
the Ray head, join a head, stop Ray. Long steps run DETACHED (own session, log file, exit-code
file under ~/.raydeck/jobs/<job>/), so a dropped SSH connection does not kill them: Raydeck polls
the job again after reconnecting and reads the log from where it left off.

Input: JSON on stdin (never on the command line):
  {"action": "start"|"follow"|"poll"|"cancel"|"token", "job": "<[A-Za-z0-9_.-]{1,80}>",
   "step": "install"|"start-head"|"join"|"stop"|"uninstall"|"drain"|"model-fetch", "params": {...},
   "offset": <bytes of log already read>, "follow": <bool, start only>}
Output: JSON lines. poll/cancel/start: one line {"job", "state": "running"|"exited"|"absent",
"code", "log", "offset"}. follow (and start with "follow": true) streams the log as it grows
({"kind": "log", "data", "offset"}; {"kind": "beat"} every 5 s of silence, so a reader that went
away ends this process) and ends with that state line once the job exited. token: {"token"}
(the node's Ray auth token, or null; with "ensure": true one is made first when there is none).
A reader that goes away never stops the job itself.
One install (or uninstall) writes a venv at a time: a second install started by another run
attaches to the running one (see VENV_WRITERS); Ray counts as installed only once the install
finished (the INSTALLED marker file, step_install.py).

The modules beside this one: job_io.py (JSON out, refusals, param checks), job_state.py (a job's
folder: state, liveness, following the log), ray_auth.py (the token file), steps.py (which
run.sh a step gets; step_install.py, vllm_setup.py, step_ray.py, step_model.py). Values from the
input reach a generated step script only through shlex.quote.

The folder is uploaded by the core as one zipapp, `~/.raydeck/scripts/job-<sha256-12>.pyz`
(deterministic, named by the hash of all its modules), and run as `python3 PATH` with the JSON
on stdin (core/ssh/connection/remote-scripts.ts); tested locally (`python3 remote/scripts/job`)
by remote/tests/test_job.py and core/bringup/job-script*.test.ts.
"""
import fcntl, hashlib, json, os, re, signal, subprocess, sys, time
from job_io import fail, out, venv_of
from job_state import JOBS, alive, follow, read_state
from ray_auth import ensure_token, read_token
from steps import step_script

# The steps that write a venv: one such job per venv at a time.
VENV_WRITERS = ("install", "uninstall")
# Runs run.sh detached with its output in the log and its exit code, written atomically, after.
WRAPPER = 'bash "$1" >>"$2" 2>&1; code=$?; echo "$code" >"$3.tmp"; mv "$3.tmp" "$3"'

def attach_or_start(req, job, jobdir, offset):
    """The start action: attach to a job that runs or succeeded, else start it afresh."""
    log_path, exit_path, pid_path = (os.path.join(jobdir, n) for n in ("log", "exit", "pid"))

    def reply():  # what the caller asked for, of the job that is there
        if req.get("follow"):
            follow(job, jobdir, offset)
        else:
            out(read_state(job, jobdir, offset))

    st = read_state(job, jobdir, 0)
    if st["state"] == "running" or (st["state"] == "exited" and st["code"] == 0):
        # Already running or done: attach, never start twice.
        reply()
        return
    step, params = req.get("step"), req.get("params", {})
    if not isinstance(params, dict):
        fail("params must be an object")
    script, private_files = step_script(step, params, jobdir)
    os.makedirs(JOBS, mode=0o700, exist_ok=True)
    venv_lock = None
    if step in VENV_WRITERS:
        # One job writes a venv at a time, whichever run started it: a second install attaches
        # to the one already running (its job name becomes a link to that job), anything else
        # that would write the venv meanwhile is refused.
        key = hashlib.sha256(venv_of(params).encode()).hexdigest()[:16]
        venv_lock = open(os.path.join(JOBS, f".venv-{key}.lock"), "a")
        fcntl.flock(venv_lock, fcntl.LOCK_EX)
        owner_path = os.path.join(JOBS, f".venv-{key}.owner")
        try:
            with open(owner_path) as f:
                other, other_step = f.read().split()
        except (OSError, ValueError):
            other, other_step = None, None
        if other and other != job and read_state(job, os.path.join(JOBS, other), 0)["state"] == "running":
            if other_step != step:
                fail(f"A {other_step} job ({other}) is still running in {venv_of(params)} on this node: wait for it or cancel it first")
            if os.path.islink(jobdir) or os.path.isfile(jobdir):
                os.unlink(jobdir)
            elif os.path.isdir(jobdir):
                import shutil
                shutil.rmtree(jobdir)
            os.symlink(other, jobdir)
            venv_lock.close()
            reply()
            return
    if os.path.islink(jobdir):
        os.unlink(jobdir)  # an earlier attach: this start is a job of its own
    os.makedirs(jobdir, exist_ok=True)
    for stale in (exit_path, log_path, pid_path):
        if os.path.exists(stale):
            os.remove(stale)
    # One line per real start: what "never installed twice" is checked against.
    with open(os.path.join(jobdir, "starts"), "a") as f:
        f.write(f"{time.time():.3f}\n")
    os.chmod(jobdir, 0o700)
    for name, content in private_files.items():
        fd = os.open(os.path.join(jobdir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(content)
    run_sh = os.path.join(jobdir, "run.sh")
    with open(run_sh, "w") as f:
        f.write(script)
    proc = subprocess.Popen(["bash", "-c", WRAPPER, "raydeck-job", run_sh, log_path, exit_path],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, close_fds=True)
    with open(pid_path, "w") as f:
        f.write(str(proc.pid))
    if venv_lock is not None:
        with open(owner_path + ".tmp", "w") as f:
            f.write(f"{job} {step}\n")
        os.replace(owner_path + ".tmp", owner_path)
        venv_lock.close()
    if req.get("follow"):
        follow(job, jobdir, offset)
    else:
        time.sleep(0.2)
        out(read_state(job, jobdir, offset))

def cancel(job, jobdir, offset):
    """TERM to the job's whole session, KILL after 5 s; a cancel with no exit code records 143."""
    log_path, exit_path, pid_path = (os.path.join(jobdir, n) for n in ("log", "exit", "pid"))
    if alive(jobdir):
        with open(pid_path) as f:
            pid = int(f.read().strip())
        try:
            os.killpg(pid, signal.SIGTERM)  # the job's own session: the step and all it started
        except OSError:
            pass
        for _ in range(50):  # bounded: 5 s, then KILL what is left
            if not alive(jobdir):
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if not os.path.exists(exit_path):  # the wrapper died with it: record the cancel
            with open(exit_path + ".tmp", "w") as f:
                f.write("143\n")
            os.replace(exit_path + ".tmp", exit_path)
            with open(log_path, "a") as f:
                f.write("[raydeck] cancelled\n")
    out(read_state(job, jobdir, offset))

def main():
    try:
        req = json.load(sys.stdin)
    except Exception as e:  # noqa: BLE001
        fail(f"input is not JSON: {e}")
    if not isinstance(req, dict):
        fail("input must be a JSON object")
    job = req.get("job")
    if not isinstance(job, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", job) or job in (".", ".."):
        fail("job must match [A-Za-z0-9_.-]{1,80}")
    jobdir = os.path.join(JOBS, job)
    action = req.get("action")
    offset = req.get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        fail("offset must be a non-negative integer")
    if action == "token":
        if req.get("ensure") is True:
            # The head's token before its Ray starts: workers can then join while the head starts.
            ensure_token()
        out({"token": read_token()})
    elif action == "poll":
        out(read_state(job, jobdir, offset))
    elif action == "follow":
        follow(job, jobdir, offset)
    elif action == "start":
        attach_or_start(req, job, jobdir, offset)
    elif action == "cancel":
        cancel(job, jobdir, offset)
    else:
        fail("action must be start, follow, poll, cancel or token")

main()
