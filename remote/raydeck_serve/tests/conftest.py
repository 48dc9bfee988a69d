"""Shared pieces of the app builder's pytest suite: the graphs the tests deploy, the tiny local
models (scripts/pipeline/tiny-models.sh), and one real local Ray with Serve for the whole
session (a few logical CPUs; the package and tests/ on PYTHONPATH so Serve's build task and the
replicas import them as they would from the node's venv). Deploys go through Serve's own
config path (import_path + args + deployments), the path a `serve apply` takes.

Run: scripts/pipeline/test-builder.sh   (or: PYTHON -m pytest remote/raydeck_serve/tests)
"""
import json
import os
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request

import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(TESTS)
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
sys.path[:0] = [PACKAGE_ROOT, TESTS]


def tiny_models():
    """(embedding folder, reranker folder), built once by scripts/pipeline/tiny-models.sh."""
    embed = os.environ.get("RAYDECK_TINY_EMBED")
    rerank = os.environ.get("RAYDECK_TINY_RERANK")
    if embed and rerank:
        return embed, rerank
    out = subprocess.run([os.path.join(REPO, "scripts/pipeline/tiny-models.sh")], check=True, capture_output=True, text=True)
    embed, rerank = out.stdout.split()
    return embed, rerank


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeSession:
    """A local Ray + Serve; `deploy` applies a Serve config and waits for its applications."""

    def __init__(self):
        import ray
        from ray.serve._private.api import serve_start

        os.environ["PYTHONPATH"] = os.pathsep.join([PACKAGE_ROOT, TESTS] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        # Two logical CPUs (the deployments ask for a tenth each): Ray prestarts a worker per CPU.
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        self.port = free_port()
        self.client = serve_start(http_options={"host": "127.0.0.1", "port": self.port})

    def deploy(self, config: dict, timeout_s: float = 240.0) -> dict:
        """Applies `config` (a Serve config with `applications:`); returns {app: status} once every
        application is RUNNING or DEPLOY_FAILED."""
        from ray import serve
        from ray.serve.schema import ServeDeploySchema

        self.client.deploy_apps(ServeDeploySchema.model_validate(config))
        names = [app["name"] for app in config["applications"]]
        deadline = time.monotonic() + timeout_s
        while True:
            apps = serve.status().applications
            states = {n: apps[n] for n in names if n in apps}
            if len(states) == len(names) and all(s.status in ("RUNNING", "DEPLOY_FAILED") for s in states.values()):
                return states
            if time.monotonic() > deadline:
                raise AssertionError(f"not RUNNING after {timeout_s} s: { {n: (s.status, s.message) for n, s in states.items()} }")
            time.sleep(0.5)

    def post(self, path: str, body, method: str = "POST"):
        """(HTTP status, JSON answer) of a request through Serve's HTTP proxy."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data if method == "POST" else None,
                                     method=method, headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def close(self):
        import ray
        from ray import serve

        serve.shutdown()
        ray.shutdown()


@pytest.fixture(scope="session")
def serve_session():
    session = ServeSession()
    yield session
    session.close()


def app_config(name: str, pipeline: dict, deployments=None) -> dict:
    """A Serve config of one pipeline application, as Raydeck's compiler writes it."""
    app = {"name": name, "route_prefix": f"/{name}", "import_path": "raydeck_serve.app:build", "args": {"pipeline": pipeline}}
    if deployments:
        app["deployments"] = deployments
    return {"applications": [app]}


def fake_llm(stage_id: str, **options) -> dict:
    """A custom stage standing in for an LLM stage (tests/pipeline_test_stages.py)."""
    return {"id": stage_id, "kind": "custom", "import_path": "pipeline_test_stages:EchoLLM", "options": {"origin": stage_id, **options}}


def small(stage_ids):
    """deployments: entries giving each stage a tenth of a CPU (the machine has two)."""
    return [{"name": s, "ray_actor_options": {"num_cpus": 0.1}} for s in stage_ids]


@pytest.fixture
def fake_serve_llm(monkeypatch):
    """ray.serve.llm needs vLLM to import: stand in for its two names, recording the call; the
    LLMConfig is still Ray's own class."""
    from ray import serve
    from ray.llm._internal.serve.core.configs.llm_config import LLMConfig

    calls = []

    class StandIn:
        async def handle_request(self, payload):
            return {"answer": "", "origin": "?"}

    def build_llm_deployment(llm_config, *, name_prefix=None, bind_kwargs=None, override_serve_options=None, deployment_cls=None):
        calls.append({"llm_config": llm_config, "bind_kwargs": bind_kwargs, "override": override_serve_options, "cls": deployment_cls})
        return serve.deployment(StandIn, name=override_serve_options["name"]).bind()

    llm_module = types.ModuleType("ray.serve.llm")
    llm_module.LLMConfig = LLMConfig
    llm_module.build_llm_deployment = build_llm_deployment
    server_module = types.ModuleType("raydeck_serve.stages.llm_server")
    server_module.PipelineLLMServer = type("PipelineLLMServer", (), {})
    monkeypatch.setitem(sys.modules, "ray.serve.llm", llm_module)
    monkeypatch.setitem(sys.modules, "raydeck_serve.stages.llm_server", server_module)
    return calls, server_module.PipelineLLMServer
