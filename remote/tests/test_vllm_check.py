"""Unit tests of the check that proves a vLLM install (VLLM_CHECK in remote/scripts/job/
vllm_setup.py): run as the install step runs it (`python -c CHECK DEVICE CPU_TORCH`), against a
stand-in site folder per case (a `torch` module with or without a CUDA version, `vllm` with the
device its platform detects, dist-info folders for the `vllm` metadata and the CUDA-only
packages). Each broken piece fails with exit 3, names the piece, and prints a hint; a whole
install prints the version and the device. The real install and check run on a testbed node in
e2e/cluster/serving.cluster.test.ts.

Run: python3 -m unittest discover -s remote/tests   (also a stage of scripts/test-all.mjs)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "job"))
from vllm_setup import VLLM_CHECK  # noqa: E402

CPU_TORCH = "2.13.0+cpu"


class Site:
    """A folder on PYTHONPATH standing in for a venv's site-packages."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="raydeck-vllm-check-")

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def torch(self, cuda=None, broken=False):
        body = "raise ImportError('libtorch_cpu.so: cannot open shared object file')\n" if broken else ""
        self.write("torch/__init__.py", body + f"__version__ = '{CPU_TORCH if cuda is None else '2.13.0'}'\n"
                   f"class version:\n    cuda = {cuda!r}\n")

    def dist(self, name, version):
        self.write(f"{name}-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")

    def vllm(self, device="cpu", broken=False):
        self.write("vllm/__init__.py", "raise ImportError(\"cannot import name 'X' from 'transformers'\")\n" if broken else "")
        self.write("vllm/platforms/__init__.py", f"class _P:\n    device_type = {device!r}\ncurrent_platform = _P()\n")

    def whole(self):
        self.torch()
        self.vllm()
        self.dist("vllm", "0.29.0+cpu")

    def check(self, device="cpu"):
        r = subprocess.run([sys.executable, "-c", VLLM_CHECK, device, CPU_TORCH], capture_output=True, text=True,
                           timeout=30, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": self.dir,
                                            "PYTHONNOUSERSITE": "1"})
        return r.returncode, r.stdout


class VllmCheck(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.addCleanup(self.site.close)

    def assertFails(self, piece, message, hint):
        code, out = self.site.check()
        self.assertEqual(code, 3, out)
        lines = out.splitlines()
        self.assertRegex(lines[0], rf"^vLLM check failed: {piece}: .*{message}")
        self.assertRegex(lines[1], rf"^hint: .*{hint}")

    def test_a_whole_cpu_install_prints_version_device_and_torch(self):
        self.site.whole()
        code, out = self.site.check()
        self.assertEqual(code, 0, out)
        self.assertEqual(out.strip(), f"vLLM 0.29.0+cpu imports; device: cpu; torch {CPU_TORCH}")

    def test_torch_that_does_not_import(self):
        self.site.whole()
        self.site.torch(broken=True)
        self.assertFails("torch", "cannot import torch .*libtorch_cpu", "Install torch")

    def test_a_cuda_torch_on_a_node_without_nvidia_devices(self):
        self.site.whole()
        self.site.torch(cuda="12.8")
        self.assertFails("torch", "CUDA build", rf"torch=={re.escape(CPU_TORCH)}.*CPU index")

    def test_each_cuda_only_package_left_is_named(self):
        for bad in ("torchvision", "torchaudio", "torchcodec"):
            with self.subTest(bad=bad):
                site = Site()
                self.addCleanup(site.close)
                self.site = site
                site.whole()
                site.dist(bad, "0.1.0")
                self.assertFails(bad, "does not load against CPU torch", f"pip uninstall -y {bad}")

    def test_the_metadata_only_vllm_missing(self):
        self.site.torch()
        self.site.vllm()
        self.assertFails("vllm metadata", "no distribution named vllm", "metadata-only vllm")

    def test_vllm_that_does_not_import(self):
        self.site.whole()
        self.site.vllm(broken=True)
        self.assertFails("vllm import", "ImportError: cannot import name 'X'", "pip check")

    def test_vllm_detecting_another_device(self):
        self.site.whole()
        self.site.vllm(device="cuda")
        self.assertFails("device", "detects the device 'cuda', expected 'cpu'", r"\+cpu version")

    def test_a_gpu_node_skips_the_cpu_only_checks_and_wants_cuda(self):
        self.site.torch(cuda="12.8")
        self.site.vllm(device="cuda")
        self.site.dist("vllm", "0.29.0")
        self.site.dist("torchvision", "0.28.0")  # fine next to CUDA torch
        code, out = self.site.check("cuda")
        self.assertEqual(code, 0, out)
        self.assertIn("device: cuda", out)


if __name__ == "__main__":
    unittest.main()
