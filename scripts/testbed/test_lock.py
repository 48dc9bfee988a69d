"""Unit tests for the testbed's lock (tb_lock.py) through the real CLI: a changing command waits
for the holder, then fails with whom it waited for; a reading command and a child of the holder
(RAYDECK_TESTBED_LOCK_HELD=1) do not wait. Each test uses its own lock file, never the real one,
and a command that fails before touching the testbed (`fault` on a node that does not exist).

Run: python3 -m unittest discover -s scripts/testbed -p 'test_*.py'
"""
import fcntl
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
TESTBED = os.path.join(HERE, "testbed")


class Lock(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="tb-lock-")
        self.lock = os.path.join(self.dir.name, "testbed.lock")
        # A state dir of its own: the CLI reads no real testbed here.
        self.env = dict(os.environ, RAYDECK_TESTBED_LOCK=self.lock, RAYDECK_TESTBED_LOCK_WAIT_S="1",
                        RAYDECK_TESTBED_DIR=os.path.join(self.dir.name, "state"))
        self.env.pop("RAYDECK_TESTBED_LOCK_HELD", None)

    def tearDown(self):
        self.dir.cleanup()

    def hold(self, owner="pid 4242: testbed up --force"):
        fd = os.open(self.lock, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        with open(self.lock + ".owner", "w") as f:
            f.write(owner + "\n")
        self.addCleanup(os.close, fd)

    def run_testbed(self, *args, env=None):
        return subprocess.run([sys.executable, TESTBED, *args], env=env or self.env,
                              capture_output=True, text=True, timeout=60)

    def test_a_changing_command_waits_then_names_the_holder(self):
        self.hold()
        started = time.monotonic()
        p = self.run_testbed("fault", "gpu-lost", "node-that-does-not-exist")
        waited = time.monotonic() - started
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(f"waiting for {self.lock}, held by pid 4242: testbed up --force", p.stderr)
        self.assertIn(f"the testbed is in use: {self.lock} is held by pid 4242: testbed up --force; waited 1 s",
                      p.stderr)
        self.assertGreaterEqual(waited, 1.0)

    def test_without_a_holder_the_command_runs_and_leaves_no_owner(self):
        p = self.run_testbed("fault", "gpu-lost", "node-that-does-not-exist")
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("is held by", p.stderr)  # it ran: its own error, not the lock's
        self.assertIn("testbed: error:", p.stderr)
        self.assertFalse(os.path.exists(self.lock + ".owner"))
        # The lock is free again: this process takes it at once.
        fd = os.open(self.lock, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)

    def test_the_holders_children_and_reading_commands_do_not_wait(self):
        self.hold()
        child = self.run_testbed("fault", "gpu-lost", "node-that-does-not-exist",
                             env=dict(self.env, RAYDECK_TESTBED_LOCK_HELD="1"))
        self.assertNotIn("is held by", child.stderr)
        status = self.run_testbed("status")
        self.assertNotIn("is held by", status.stderr)
        self.assertNotIn("waiting", status.stderr)


if __name__ == "__main__":
    unittest.main()
