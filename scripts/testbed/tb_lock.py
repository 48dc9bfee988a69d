"""The testbed's one lock: a command that changes the testbed (up, down, fault, heal, wheelhouse)
holds an exclusive flock on LOCK_FILE while it runs, so two of them never interleave (a `down`
run by hand while a bench's `up --force` builds nodes once left an orphan index server).

The lock is the one the bring-up bench holds for its whole run (bench/bringup-vs-ray-up.ts); a
process that already holds it says so to its children with RAYDECK_TESTBED_LOCK_HELD=1, and they
do not take it again (flock on a second open file would wait for itself). Beside the lock file,
LOCK_FILE + ".owner" names the holder (pid and command), so a waiting command can say whom it
waits for. Waits are bounded: RAYDECK_TESTBED_LOCK_WAIT_S seconds (default 1800), then an error.
"""
import contextlib
import fcntl
import os
import time

from tb_common import TestbedError, log

LOCK_FILE = os.environ.get("RAYDECK_TESTBED_LOCK", "/tmp/raydeck-testbed.lock")
HELD_ENV = "RAYDECK_TESTBED_LOCK_HELD"
WAIT_ENV = "RAYDECK_TESTBED_LOCK_WAIT_S"
POLL_S = 0.2


def _owner():
    try:
        with open(LOCK_FILE + ".owner") as f:
            return f.read().strip() or "unknown"
    except OSError:
        return "unknown (a holder that does not name itself, e.g. the bring-up bench)"


@contextlib.contextmanager
def held(command):
    """Holds the testbed lock around a block; `command` names this holder for waiting commands."""
    if os.environ.get(HELD_ENV) == "1":
        yield
        return
    wait_s = float(os.environ.get(WAIT_ENV, "1800"))
    fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TestbedError(
                        f"the testbed is in use: {LOCK_FILE} is held by {_owner()}; waited {wait_s:g} s. "
                        "Let it finish, or end that process by its pid")
                if not said:
                    log(f"waiting for {LOCK_FILE}, held by {_owner()} (up to {wait_s:g} s)")
                    said = True
                time.sleep(POLL_S)
        with open(LOCK_FILE + ".owner", "w") as f:
            f.write(f"pid {os.getpid()}: testbed {command}\n")
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(LOCK_FILE + ".owner")
    finally:
        os.close(fd)  # closing the only descriptor of this open file releases the flock
