"""The seed's RAG pipeline (embedding -> cosine top-k -> reranker -> LLM) on a real local Ray
Serve, the embedding and reranker stages running real sentence-transformers code on the tiny
local models (scripts/models/make_tiny_bert.py), the LLM stood in for by EchoLLM (it answers
with its prompt, so the test sees the context the rag stage built). Every expectation is
computed here with the same models loaded directly: the pipeline must agree with them."""
import numpy as np
import pytest

from conftest import app_config, fake_llm, small, tiny_models

QUERY = "how does ray serve scale a vllm replica"
CANDIDATES = [
    "the head node runs the gcs",
    "how does ray serve scale a vllm replica",
    "a worker node joins the cluster",
    "tensor parallel needs a gpu per worker",
    "the router picks a model by size",
    "embedding models are small",
    "the reranker orders documents",
]
TOP_K = 4
TOP_N = 2


@pytest.fixture(scope="module")
def models():
    from sentence_transformers import CrossEncoder, SentenceTransformer

    embed_dir, rerank_dir = tiny_models()
    return embed_dir, rerank_dir, SentenceTransformer(embed_dir, device="cpu"), CrossEncoder(rerank_dir, device="cpu")


@pytest.fixture(scope="module")
def rag(serve_session, models):
    embed_dir, rerank_dir, _, _ = models
    pipeline = {
        "format": 1,
        "name": "rag",
        "ingress": "api",
        "stages": [
            {"id": "embed", "kind": "embedding", "model": embed_dir, "options": {"device": "cpu"}},
            {"id": "rerank", "kind": "reranker", "model": rerank_dir, "options": {"top_n": TOP_N, "device": "cpu"}},
            fake_llm("llm", delay_s=0.02),
            {"id": "rag", "kind": "rag", "options": {"top_k": TOP_K, "max_tokens": 16},
             "inputs": {"embedding": "embed", "reranker": "rerank", "llm": "llm"}},
            {"id": "api", "kind": "ingress", "routes": {"/query": "rag", "/embed": "embed", "/rerank": "rerank"}},
        ],
    }
    states = serve_session.deploy(app_config("rag", pipeline, small(["embed", "rerank", "llm", "rag", "api"])))
    assert states["rag"].status == "RUNNING", states["rag"].message
    yield serve_session
    from ray import serve

    serve.delete("rag")


def expected_documents(embedder, cross_encoder):
    vectors = embedder.encode([QUERY] + CANDIDATES)
    q, c = vectors[0], vectors[1:]
    cosine = (c @ q) / (np.linalg.norm(c, axis=1) * np.linalg.norm(q) + 1e-9)
    nearest = [CANDIDATES[i] for i in np.argsort(-cosine, kind="stable")[:TOP_K]]
    scores = cross_encoder.predict([(QUERY, d) for d in nearest])
    return nearest, [nearest[i] for i in np.argsort(-scores, kind="stable")[:TOP_N]]


def test_rag_answers_with_the_reranked_top_k_as_context(rag, models):
    _, _, embedder, cross_encoder = models
    nearest, documents = expected_documents(embedder, cross_encoder)
    # The candidate equal to the query is the closest by cosine: the top-k step really ran.
    assert nearest[0] == QUERY
    status, answer = rag.post("/rag/query", {"query": QUERY, "candidates": CANDIDATES})
    assert status == 200, answer
    assert answer["documents"] == documents
    assert answer["origin"] == "llm"
    context = "\n".join(documents)
    assert answer["answer"] == f"[llm] Context:\n{context}\n\nQuestion: {QUERY}\nAnswer:"


def test_rag_timings_cover_every_stage_and_nest(rag):
    _, answer = rag.post("/rag/query", {"query": QUERY, "candidates": CANDIDATES})
    t = answer["timings_ms"]
    assert set(t) == {"api", "rag", "embed", "rerank", "llm"}
    assert all(v > 0 for v in t.values())
    assert t["llm"] >= 20  # the stand-in sleeps 20 ms
    # The rag stage called the three in turn: its time covers theirs; the ingress covers the rag's.
    assert t["embed"] + t["rerank"] + t["llm"] <= t["rag"] <= t["api"] < 60_000


def test_embedding_stage_answers_what_sentence_transformers_computes(rag, models):
    _, _, embedder, _ = models
    status, answer = rag.post("/rag/embed", {"texts": CANDIDATES[:3]})
    assert status == 200, answer
    assert np.allclose(np.array(answer["embeddings"]), embedder.encode(CANDIDATES[:3]), atol=1e-5)
    status, one = rag.post("/rag/embed", {"text": QUERY})
    assert status == 200 and len(one["embeddings"]) == 1 and len(one["embeddings"][0]) == embedder.encode([QUERY]).shape[1]
    assert set(one["timings_ms"]) == {"api", "embed"}


def test_reranker_stage_orders_by_the_cross_encoders_scores(rag, models):
    _, _, _, cross_encoder = models
    status, answer = rag.post("/rag/rerank", {"query": QUERY, "candidates": CANDIDATES, "top_n": 5})
    assert status == 200, answer
    scores = cross_encoder.predict([(QUERY, c) for c in CANDIDATES])
    order = np.argsort(-scores, kind="stable")[:5]
    assert answer["ranked"] == [CANDIDATES[i] for i in order]
    assert np.allclose(answer["scores"], scores[order], atol=1e-5)


def test_bad_requests_name_the_stage_that_refused(rag):
    status, answer = rag.post("/rag/query", {"query": QUERY})
    assert status == 400 and answer["stage"] == "rag" and "'candidates'" in answer["error"]
    status, answer = rag.post("/rag/embed", {"words": ["x"]})
    assert status == 400 and answer["stage"] == "embed"
    status, answer = rag.post("/rag/rerank", {"query": QUERY, "candidates": CANDIDATES, "top_n": 0})
    assert status == 400 and answer["stage"] == "rerank"


def test_a_model_that_does_not_load_fails_the_deploy_naming_the_stage_and_model(serve_session):
    from ray import serve

    pipeline = {"format": 1, "name": "nomodel", "stages": [
        {"id": "embed", "kind": "embedding", "model": "/nonexistent/tiny-embed", "options": {"device": "cpu"}},
        {"id": "api", "kind": "ingress", "routes": {"/embed": "embed"}},
    ]}
    states = serve_session.deploy(app_config("nomodel", pipeline, small(["embed", "api"])))
    try:
        assert states["nomodel"].status == "DEPLOY_FAILED"
        message = serve.status().applications["nomodel"].deployments["embed"].message
        assert "pipeline stage 'embed' (embedding): could not load model '/nonexistent/tiny-embed'" in message
    finally:
        serve.delete("nomodel")
