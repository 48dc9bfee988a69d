"""Seed 001's model gateway on real vLLM (CPU build): a router stage sends `model_size: 7b` and
`70b` requests to two LLM stages, each its own vLLM engine on the tiny local Llama; the answers'
origin names the stage that answered. Skipped where vLLM is not installed (as test_llm_vllm.py).

Run: scripts/pipeline/test-builder.sh --vllm
"""
import concurrent.futures
import os

import pytest

from conftest import app_config
from test_llm_vllm import CPU_ENV, TINY_LLAMA

pytest.importorskip("vllm", reason="vLLM is not installed in this venv (the testbed runs the llm stage)")


def llm(stage_id: str) -> dict:
    return {"id": stage_id, "kind": "llm", "llm_config": {
        "model_loading_config": {"model_id": stage_id, "model_source": TINY_LLAMA},
        "engine_kwargs": {"dtype": "bfloat16", "max_model_len": 256, "max_num_seqs": 4, "enforce_eager": True},
        "accelerator_config": {"kind": "cpu"},
        "runtime_env": {"env_vars": CPU_ENV},
        "deployment_config": {"ray_actor_options": {"num_cpus": 0}},
    }}


@pytest.fixture(scope="module")
def gateway(serve_session):
    if not os.path.isfile(os.path.join(TINY_LLAMA, "config.json")):
        pytest.fail(f"no tiny Llama at {TINY_LLAMA}: scripts/models/make_tiny_llama.py builds it")
    pipeline = {
        "format": 1, "name": "gw", "ingress": "api",
        "stages": [
            llm("llm_7b"), llm("llm_70b"),
            {"id": "router", "kind": "router", "options": {"field": "model_size", "default": "7b"},
             "inputs": {"7b": "llm_7b", "70b": "llm_70b"}},
            {"id": "api", "kind": "ingress", "routes": {"/gateway": "router"}},
        ],
    }
    # Each engine's placement group takes one of the session's two CPUs: the router and the
    # ingress take none.
    free = [{"name": s, "ray_actor_options": {"num_cpus": 0}} for s in ("router", "api")]
    states = serve_session.deploy(app_config("gw", pipeline, free), timeout_s=900)
    assert states["gw"].status == "RUNNING", states["gw"].message
    return serve_session


def ask(session, size: str):
    return session.post("/gw/gateway", {"model_size": size, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4})


def test_router_sends_each_size_to_its_own_engine(gateway):
    for size, origin in (("7b", "llm_7b"), ("70b", "llm_70b"), ("7b", "llm_7b")):
        status, answer = ask(gateway, size)
        assert status == 200, answer
        assert answer["origin"] == origin and answer["usage"]["completion_tokens"] >= 1


def test_both_engines_answer_at_once(gateway):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda s: ask(gateway, s), ["7b", "70b", "7b", "70b"]))
    assert [a[0] for a in answers] == [200] * 4, answers
    assert [a[1]["origin"] for a in answers] == ["llm_7b", "llm_70b", "llm_7b", "llm_70b"]
