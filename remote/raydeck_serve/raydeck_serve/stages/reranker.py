"""The reranker stage: sentence_transformers.CrossEncoder(model) scoring (query, candidate) pairs,
answering `{"query", "candidates"}` with the best `top_n` as `{"ranked": [...], "scores": [...]}`
(highest score first). Options: top_n (default 3; a request's own `top_n` wins), device,
batch_size, max_length, trust_remote_code.
"""
import asyncio
from typing import Any, Dict

from ray import serve

from ..graph import Stage
from ..protocol import Json, StageFailure, require_text, require_texts
from .base import BoundStage, PipelineStage, checked_options, positive_int
from .embedding import load_model, sentence_transformers

OPTIONS = {"top_n": int, "device": str, "batch_size": int, "max_length": int, "trust_remote_code": bool}
DEFAULTS = {"top_n": 3, "batch_size": 32}


class RerankerStage(PipelineStage):
    def __init__(self, stage_id: str, model: str, options: Dict[str, Any]):
        self.stage_id = stage_id
        self.options = options
        loader = sentence_transformers("reranker", stage_id).CrossEncoder
        self.model = load_model("reranker", stage_id, loader, model, device=options.get("device"),
                                max_length=options.get("max_length"), trust_remote_code=options.get("trust_remote_code"))

    async def answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        query = require_text(payload, "query", self.stage_id)
        candidates = require_texts(payload, "candidates", self.stage_id)
        top_n = payload.get("top_n", self.options["top_n"])
        if not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 1:
            raise StageFailure(self.stage_id, f"top_n must be a whole number of at least 1, got {top_n!r}", 400)
        if not candidates:
            return {"ranked": [], "scores": []}
        scores = await asyncio.to_thread(
            self.model.predict, [(query, c) for c in candidates], batch_size=self.options["batch_size"],
            convert_to_numpy=True, show_progress_bar=False)
        order = sorted(range(len(candidates)), key=lambda i: float(scores[i]), reverse=True)[:top_n]
        return {"ranked": [candidates[i] for i in order], "scores": [float(scores[i]) for i in order]}


def bind(stage: Stage, inputs: Dict[str, Any]) -> BoundStage:
    options = checked_options(stage, OPTIONS, DEFAULTS)
    positive_int(stage, options, "top_n")
    positive_int(stage, options, "batch_size")
    return BoundStage(serve.deployment(RerankerStage, name=stage.id).bind(stage.id, stage.spec["model"], options))
