"""The embedding stage: sentence_transformers.SentenceTransformer(model) — a folder on the node
or a Hugging Face id — answering `{"text"}` / `{"texts"}` with `{"embeddings": [[...], ...]}`.
sentence-transformers is imported in the replica only (the node needs it; the builder does not).
Options: device, batch_size, normalize_embeddings, trust_remote_code.
"""
import asyncio
from typing import Any, Dict

from ray import serve

from ..graph import Stage
from ..protocol import Json, StageFailure, require_text, require_texts
from .base import BoundStage, PipelineStage, checked_options, positive_int

OPTIONS = {"device": str, "batch_size": int, "normalize_embeddings": bool, "trust_remote_code": bool}
DEFAULTS = {"batch_size": 32, "normalize_embeddings": False}


def sentence_transformers(kind: str, stage_id: str) -> Any:
    """The sentence_transformers module, or an error saying which stage and node lack it."""
    try:
        import sentence_transformers as st
    except ImportError as e:
        import socket

        raise RuntimeError(
            f"pipeline stage {stage_id!r} ({kind}): sentence-transformers is not installed on node {socket.gethostname()} "
            f"({e}); Raydeck installs it with vLLM: run this stage on a node with vLLM (ray_actor_options.resources) "
            "or install it into ~/.raydeck/venv") from e
    return st


def load_model(kind: str, stage_id: str, loader: Any, model: str, **kwargs: Any) -> Any:
    """Loads a sentence-transformers model; a failure says which stage and which model."""
    try:
        return loader(model, **{k: v for k, v in kwargs.items() if v is not None})
    except Exception as e:
        raise RuntimeError(f"pipeline stage {stage_id!r} ({kind}): could not load model {model!r}: {type(e).__name__}: {e}") from e


class EmbeddingStage(PipelineStage):
    def __init__(self, stage_id: str, model: str, options: Dict[str, Any]):
        self.stage_id = stage_id
        self.options = options
        loader = sentence_transformers("embedding", stage_id).SentenceTransformer
        self.model = load_model("embedding", stage_id, loader, model,
                                device=options.get("device"), trust_remote_code=options.get("trust_remote_code"))

    async def answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        if "texts" in payload:
            texts = require_texts(payload, "texts", self.stage_id)
        elif "text" in payload:
            texts = [require_text(payload, "text", self.stage_id)]
        else:
            raise StageFailure(self.stage_id, "the request needs 'text' (a string) or 'texts' (a list of strings)", 400)
        if not texts:
            return {"embeddings": []}
        vectors = await asyncio.to_thread(
            self.model.encode, texts, batch_size=self.options["batch_size"],
            normalize_embeddings=self.options["normalize_embeddings"], convert_to_numpy=True, show_progress_bar=False)
        return {"embeddings": vectors.tolist()}


def bind(stage: Stage, inputs: Dict[str, Any]) -> BoundStage:
    options = checked_options(stage, OPTIONS, DEFAULTS)
    positive_int(stage, options, "batch_size")
    return BoundStage(serve.deployment(EmbeddingStage, name=stage.id).bind(stage.id, stage.spec["model"], options))
