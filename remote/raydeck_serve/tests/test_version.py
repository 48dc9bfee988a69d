"""The app builder is versioned with Raydeck: raydeck_serve.__version__ equals package.json's
version (the core compares it with the version installed on each node before an apply), and
importing the package pulls in neither sentence-transformers nor vLLM nor torch."""
import json
import os
import subprocess
import sys

from conftest import PACKAGE_ROOT, REPO


def test_version_is_raydecks():
    import raydeck_serve

    with open(os.path.join(REPO, "package.json")) as f:
        assert raydeck_serve.__version__ == json.load(f)["version"]


def test_package_imports_without_the_heavy_libraries():
    code = ("import sys, raydeck_serve.app, raydeck_serve.stages.rag, raydeck_serve.stages.ingress;"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'vllm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nodes_get_the_sentence_transformers_the_stages_are_tested_with():
    import re

    import sentence_transformers

    pins = []
    for path in ("remote/scripts/job/vllm_setup.py", "scripts/testbed/tb_common.py", "scripts/pipeline/pipeline-env.sh"):
        with open(os.path.join(REPO, path)) as f:
            pins.append((path, re.findall(r"sentence-transformers==([0-9.]+)", f.read())))
    assert all(found == [sentence_transformers.__version__] for _, found in pins), pins
