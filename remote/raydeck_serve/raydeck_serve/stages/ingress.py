"""The ingress stage: the application's HTTP entry. `POST <route_prefix><route>` with a JSON body
goes to the stage of that route (`routes`: path -> stage id); the answer is JSON with every
stage's time (the ingress's own included). An error answers its HTTP status with
`{"error", "stage", "timings_ms"}`: 404 for an unknown route, 405 for a method other than POST,
400 for a body that is not a JSON object, the failing stage's status otherwise.
"""
import json
import time
from typing import Any, Dict

from ray import serve
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..graph import Stage
from ..protocol import Downstream, Json, StageFailure, elapsed_ms, run_stage
from .base import BoundStage, checked_options


def route_path(scope: Dict[str, Any]) -> str:
    """The path under the application's route_prefix (Serve passes the prefix as root_path)."""
    path = scope.get("path") or "/"
    root = (scope.get("root_path") or "").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):]
    path = "/" + path.strip("/")
    return path


class IngressStage:
    def __init__(self, stage_id: str, routes: Dict[str, Downstream]):
        self.stage_id = stage_id
        self.routes = {"/" + path.strip("/"): target for path, target in routes.items()}

    def _refuse(self, started: float, status: int, message: str) -> JSONResponse:
        body = {"error": message, "stage": self.stage_id, "timings_ms": {self.stage_id: elapsed_ms(started)}}
        return JSONResponse(body, status_code=status)

    async def __call__(self, request: Request) -> JSONResponse:
        started = time.perf_counter()
        path = route_path(request.scope)
        target = self.routes.get(path)
        if target is None:
            return self._refuse(started, 404, f"no route {path} (routes: {', '.join(sorted(self.routes))})")
        if request.method != "POST":
            return self._refuse(started, 405, f"{request.method} {path}: send the request as POST with a JSON body")
        try:
            payload = json.loads(await request.body() or b"null")
        except ValueError as e:
            return self._refuse(started, 400, f"the body is not JSON: {e}")

        async def forward(body: Json, timings: Dict[str, float]) -> Json:
            if not isinstance(body, dict):
                raise StageFailure(self.stage_id, "the body must be a JSON object", 400)
            return await target.call(body, timings)

        answer = await run_stage(self.stage_id, forward, payload)
        status = int(answer.pop("status", 200)) if "error" in answer else 200
        return JSONResponse(answer, status_code=status)


def bind(stage: Stage, inputs: Dict[str, Downstream]) -> BoundStage:
    checked_options(stage, {})
    return BoundStage(serve.deployment(IngressStage, name=stage.id).bind(stage.id, dict(inputs)), method="__call__")
