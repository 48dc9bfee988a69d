"""Unit tests of remote/scripts/app-builder.py, run locally: each test gives the script its own
$HOME; the venv is a real one (it borrows the host Python's pip through system site-packages,
to be quick) and the wheel is the real one scripts/pipeline/build_wheel.py makes, so the version
check and pip's offline install of the file are the ones a node runs.

Run: python3 -m unittest discover -s remote/tests   (a stage of scripts/test-all.mjs)
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(REPO, "remote", "scripts", "app-builder.py")
PATH = os.environ.get("PATH", "/usr/bin:/bin")


class AppBuilderScript(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dist = tempfile.mkdtemp(prefix="raydeck-wheel-")
        built = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "pipeline", "build_wheel.py"), cls.dist],
                               check=True, capture_output=True, text=True)
        cls.wheel = json.loads(built.stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dist, ignore_errors=True)

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="raydeck-app-builder-")
        self.addCleanup(shutil.rmtree, self.home, True)

    def run_script(self, request, env=None):
        r = subprocess.run([sys.executable, SCRIPT], input=json.dumps(request), capture_output=True, text=True,
                           timeout=300, env={"PATH": PATH, "HOME": self.home, **(env or {})})
        lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
        return r.returncode, lines[-1] if lines else None

    def make_venv(self):
        venv = os.path.join(self.home, ".raydeck", "venv")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", venv], check=True)
        return venv

    def upload(self, data=None):
        """The wheel where the core uploads it; returns the request the core sends."""
        name = os.path.basename(self.wheel["wheel"])
        os.makedirs(os.path.join(self.home, ".raydeck", "wheels"), exist_ok=True)
        target = os.path.join(self.home, ".raydeck", "wheels", name)
        if data is None:
            shutil.copy(self.wheel["wheel"], target)
        else:
            with open(target, "wb") as f:
                f.write(data)
        return {"action": "install", "wheel": f"~/.raydeck/wheels/{name}", "sha256": self.wheel["sha256"],
                "version": self.wheel["version"]}

    def test_version_without_a_venv_or_the_package(self):
        self.assertEqual(self.run_script({"action": "version"}), (0, {"kind": "result", "venv": False, "installed": None}))
        self.make_venv()
        self.assertEqual(self.run_script({"action": "version"}), (0, {"kind": "result", "venv": True, "installed": None}))

    def test_install_puts_the_wheel_into_the_venv_offline_then_reports_its_version(self):
        self.make_venv()
        request = self.upload()
        # An index in the login's environment is never asked (it does not exist).
        code, result = self.run_script(request, env={"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_NO_INDEX": "0"})
        self.assertEqual((code, result), (0, {"kind": "result", "venv": True, "installed": self.wheel["version"], "previous": None}))
        self.assertEqual(self.run_script({"action": "version"})[1]["installed"], self.wheel["version"])
        again = self.run_script(request)[1]
        self.assertEqual((again["installed"], again["previous"]), (self.wheel["version"], self.wheel["version"]))

    def test_a_file_that_is_not_what_was_sent_is_not_installed(self):
        self.make_venv()
        request = self.upload(data=b"not the wheel")
        code, result = self.run_script(request)
        self.assertEqual(code, 0)
        self.assertIn("sha256 differs", result["error"])
        self.assertIsNone(self.run_script({"action": "version"})[1]["installed"])

    def test_no_venv_and_a_running_bring_up_install_are_refused(self):
        request = self.upload()
        self.assertIn("no venv", self.run_script(request)[1]["error"])
        venv = self.make_venv()
        key = hashlib.sha256(venv.encode()).hexdigest()[:16]  # job.py's lock and owner files
        jobs = os.path.join(self.home, ".raydeck", "jobs")
        os.makedirs(os.path.join(jobs, "r1-install"))
        with open(os.path.join(jobs, "r1-install", "pid"), "w") as f:
            f.write(str(os.getpid()))  # alive, and no exit file: the install is running
        with open(os.path.join(jobs, f".venv-{key}.owner"), "w") as f:
            f.write("r1-install install\n")
        result = self.run_script(request)[1]
        self.assertIn("install job r1-install", result["error"])
        with open(os.path.join(jobs, "r1-install", "exit"), "w") as f:
            f.write("0\n")
        self.assertEqual(self.run_script(request)[1]["installed"], self.wheel["version"])

    def test_input_other_than_the_cores_is_refused(self):
        for bad in ({"action": "install", "wheel": "/tmp/x.whl", "sha256": "0" * 64, "version": "1"},
                    {"action": "install", "wheel": "~/.raydeck/wheels/raydeck_serve-1.0-py3-none-any.whl; id", "sha256": "0" * 64, "version": "1.0"},
                    {"action": "install", "wheel": "~/.raydeck/wheels/raydeck_serve-1.0-py3-none-any.whl", "sha256": "0" * 64, "version": "2.0"},
                    {"action": "uninstall"}, ["version"]):
            code, result = self.run_script(bad)
            self.assertEqual(code, 2, bad)
            self.assertIn("error", result)


if __name__ == "__main__":
    unittest.main()
