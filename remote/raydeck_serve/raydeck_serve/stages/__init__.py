"""The stage kinds of a pipeline, one module each; `bind_stage` picks the module by kind. Each
module's `bind(stage, inputs)` returns the stage's Serve application (its deployment named by
the stage id, so the config's `deployments:` overrides apply by name) and the method its callers
send payloads to.
"""
from typing import Dict

from ..graph import PipelineError, Stage
from ..protocol import Downstream
from .base import BoundStage


def bind_stage(stage: Stage, inputs: Dict[str, Downstream]) -> BoundStage:
    # Imported here, one kind at a time: a module imports its heavy library only when bound.
    if stage.kind == "ingress":
        from . import ingress as kind
    elif stage.kind == "embedding":
        from . import embedding as kind
    elif stage.kind == "reranker":
        from . import reranker as kind
    elif stage.kind == "llm":
        from . import llm as kind
    elif stage.kind == "rag":
        from . import rag as kind
    elif stage.kind == "router":
        from . import router as kind
    elif stage.kind == "custom":
        from . import custom as kind
    else:
        raise PipelineError(f"unknown kind {stage.kind!r}", stage.id)
    return kind.bind(stage, inputs)
