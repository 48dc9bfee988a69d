"""The rag stage, the seed's orchestrator (seed-ray-serve-vllm-guide: embedding -> reranker ->
LLM): embeds the query and the candidates in one call to its `embedding` input, keeps the
`top_k` candidates closest to the query by cosine similarity, has its `reranker` input order
them, then asks its `llm` input with those documents as context. Answers
`{"answer", "documents", "origin"}`; every stage on the way adds its time.
Options: top_k (default 10), max_tokens (default 256; a request's own `max_tokens` wins).
"""
from typing import Any, Dict, List

import numpy as np
from ray import serve

from ..graph import Stage
from ..protocol import Downstream, Json, StageFailure, require_text, require_texts
from .base import BoundStage, PipelineStage, checked_options, positive_int

OPTIONS = {"top_k": int, "max_tokens": int}
DEFAULTS = {"top_k": 10, "max_tokens": 256}
PROMPT = "Context:\n{context}\n\nQuestion: {query}\nAnswer:"


def cosine_top_k(query: List[float], candidates: List[List[float]], k: int) -> List[int]:
    """Indexes of the k candidates most similar to the query, most similar first (ties: first wins)."""
    if not candidates:
        return []
    q = np.asarray(query, dtype=np.float64)
    c = np.asarray(candidates, dtype=np.float64)
    scores = (c @ q) / (np.linalg.norm(c, axis=1) * np.linalg.norm(q) + 1e-9)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]


class RagStage(PipelineStage):
    def __init__(self, stage_id: str, options: Dict[str, Any], embedding: Downstream, reranker: Downstream, llm: Downstream):
        self.stage_id = stage_id
        self.options = options
        self.embedding = embedding
        self.reranker = reranker
        self.llm = llm

    async def answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        query = require_text(payload, "query", self.stage_id)
        candidates = require_texts(payload, "candidates", self.stage_id)
        if not candidates:
            raise StageFailure(self.stage_id, "'candidates' is empty: there is nothing to retrieve from", 400)
        embedded = await self.embedding.call({"texts": [query] + candidates}, timings)
        vectors = embedded.get("embeddings")
        if not isinstance(vectors, list) or len(vectors) != len(candidates) + 1:
            raise StageFailure(self.embedding.stage_id, f"answered {len(vectors) if isinstance(vectors, list) else 'no'} embeddings for {len(candidates) + 1} texts", 502)
        nearest = [candidates[i] for i in cosine_top_k(vectors[0], vectors[1:], self.options["top_k"])]
        reranked = await self.reranker.call({"query": query, "candidates": nearest}, timings)
        documents = reranked.get("ranked")
        if not isinstance(documents, list):
            raise StageFailure(self.reranker.stage_id, "answered no 'ranked' list", 502)
        max_tokens = payload.get("max_tokens", self.options["max_tokens"])
        prompt = PROMPT.format(context="\n".join(str(d) for d in documents), query=query)
        generated = await self.llm.call({"prompt": prompt, "max_tokens": max_tokens}, timings)
        return {"answer": generated.get("answer"), "documents": documents, "origin": generated.get("origin", self.llm.stage_id)}


def bind(stage: Stage, inputs: Dict[str, Downstream]) -> BoundStage:
    options = checked_options(stage, OPTIONS, DEFAULTS)
    positive_int(stage, options, "top_k")
    positive_int(stage, options, "max_tokens")
    app = serve.deployment(RagStage, name=stage.id).bind(
        stage.id, options, embedding=inputs["embedding"], reranker=inputs["reranker"], llm=inputs["llm"])
    return BoundStage(app)
