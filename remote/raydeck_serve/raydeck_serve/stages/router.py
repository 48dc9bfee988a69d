"""The router stage, seed 001's model gateway: reads one request field (`options.field`, e.g.
model_size) and sends the whole request to the input named by its value (`inputs`: value ->
stage id), or to `options.default`'s when the field is absent. Answers what that stage answers.
"""
from typing import Any, Dict, Optional

from ray import serve

from ..graph import Stage
from ..protocol import Downstream, Json, StageFailure
from .base import BoundStage, PipelineStage, checked_options


class RouterStage(PipelineStage):
    def __init__(self, stage_id: str, field: str, default: Optional[str], routes: Dict[str, Downstream]):
        self.stage_id = stage_id
        self.field = field
        self.default = default
        self.routes = routes

    async def answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        value = payload.get(self.field, self.default)
        known = ", ".join(sorted(self.routes))
        if value is None:
            raise StageFailure(self.stage_id, f"the request needs {self.field!r} (one of {known})", 400)
        target = self.routes.get(str(value))
        if target is None:
            raise StageFailure(self.stage_id, f"{self.field} {value!r} has no route (one of {known})", 400)
        return await target.call(payload, timings)


def bind(stage: Stage, inputs: Dict[str, Downstream]) -> BoundStage:
    options = checked_options(stage, {"field": str, "default": (str, int, float)})
    default = options.get("default")
    app = serve.deployment(RouterStage, name=stage.id).bind(
        stage.id, options["field"], None if default is None else str(default), dict(inputs))
    return BoundStage(app)
