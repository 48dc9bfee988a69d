"""The wheel the nodes install (scripts/pipeline/build_wheel.py): the same bytes from the same
sources, and pip installs it the way the core does on a node (--no-deps --no-index, the file
only) into a folder from which `raydeck_serve.__version__` and the builder import."""
import json
import os
import subprocess
import sys

from conftest import REPO

BUILD = os.path.join(REPO, "scripts", "pipeline", "build_wheel.py")


def build(out):
    return json.loads(subprocess.run([sys.executable, BUILD, str(out)], check=True, capture_output=True, text=True).stdout)


def test_wheel_is_reproducible_and_installs_offline(tmp_path):
    import raydeck_serve

    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert first["sha256"] == second["sha256"]
    assert os.path.basename(first["wheel"]) == f"raydeck_serve-{raydeck_serve.__version__}-py3-none-any.whl"
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-index", "--target", str(target), first["wheel"]], check=True)
    code = "import raydeck_serve, raydeck_serve.app; print(raydeck_serve.__version__, raydeck_serve.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == raydeck_serve.__version__ and out[1].startswith(str(target))
    with open(os.path.join(str(target), "raydeck_serve", "stages", "rag.py")) as installed, \
            open(os.path.join(os.path.dirname(raydeck_serve.__file__), "stages", "rag.py")) as source:
        assert installed.read() == source.read()
