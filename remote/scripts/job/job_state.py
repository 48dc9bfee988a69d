"""A bring-up job's folder on the node (~/.raydeck/jobs/<job>/: log, exit, pid): its state
(running, exited with a code, absent), whether its process still lives, and following its log
as JSON lines until it exits."""
import os, time
from job_io import out

MAX_LOG_CHUNK = 256 * 1024
JOBS = os.path.expanduser("~/.raydeck/jobs")

def read_state(job, jobdir, offset):
    """The job's state and the log from offset (at most MAX_LOG_CHUNK bytes); "job" is the asked name."""
    log_path, exit_path = os.path.join(jobdir, "log"), os.path.join(jobdir, "exit")
    if not os.path.isdir(jobdir):
        return {"job": job, "state": "absent", "code": None, "log": "", "offset": 0}
    code = None
    if os.path.exists(exit_path):
        with open(exit_path) as f:
            text = f.read().strip()
        code = int(text) if text.lstrip("-").isdigit() else 1
    chunk, new_offset = "", offset
    if os.path.exists(log_path):
        with open(log_path, "rb") as f:
            f.seek(offset)
            data = f.read(MAX_LOG_CHUNK)
        chunk, new_offset = data.decode("utf-8", "replace"), offset + len(data)
    state = "exited" if code is not None else ("running" if alive(jobdir) else "exited")
    if state == "exited" and code is None:
        code = 1
        chunk += "\n[raydeck] the step stopped without recording an exit code (node rebooted or process killed)\n"
    return {"job": job, "state": state, "code": code, "log": chunk, "offset": new_offset}

def alive(jobdir):
    try:
        with open(os.path.join(jobdir, "pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return False
    try:
        # The job is this process's own child when it started it and follows it: reap it once it
        # ended (killed, it leaves no exit file and would stay a zombie that "answers" kill 0).
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"   # ended, not yet reaped
    except OSError:
        return False

def follow(job, jobdir, offset):
    """Streams the log from offset until the job exits (bounded: 2 h), then its state line."""
    deadline = time.time() + 7200
    quiet_since = time.time()
    while time.time() < deadline:
        st = read_state(job, jobdir, offset)
        if st["log"]:
            out({"kind": "log", "data": st["log"], "offset": st["offset"]})
            offset = st["offset"]
            quiet_since = time.time()
        if st["state"] != "running":
            rest = read_state(job, jobdir, offset)
            if rest["log"]:
                out({"kind": "log", "data": rest["log"], "offset": rest["offset"]})
            out({**rest, "log": ""})
            return
        if time.time() - quiet_since > 5:
            out({"kind": "beat"})
            quiet_since = time.time()
        time.sleep(0.25)
    out({**read_state(job, jobdir, offset), "log": ""})
