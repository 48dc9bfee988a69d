"""How stages talk (docs/pipeline-graph.md, "Requests and answers"): a stage takes a JSON object
and answers one, with `timings_ms` (stage id -> milliseconds, merged along the path; a stage's
time is its own wall time, the calls it makes to its inputs included) and, for generated text,
`origin` (the llm stage that wrote it). A failure travels as an answer too,
`{"error", "stage", "status"}`, never as an exception across a DeploymentHandle, so it keeps
the stage that failed and the timings so far; the ingress turns it into an HTTP status.
"""
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

Json = Dict[str, Any]


class StageFailure(Exception):
    """A request a stage could not answer: `stage` failed, `status` is the HTTP status to give."""

    def __init__(self, stage: str, message: str, status: int = 500, timings: Optional[Dict[str, float]] = None):
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.status = status
        self.timings = dict(timings or {})


def merge_timings(into: Dict[str, float], more: Optional[Dict[str, Any]]) -> None:
    """Adds `more` into `into`; a stage that took part twice gets the sum of its times."""
    for stage, ms in (more or {}).items():
        if isinstance(ms, (int, float)):
            into[stage] = into.get(stage, 0.0) + float(ms)


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)


def require_text(payload: Json, key: str, stage: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str):
        raise StageFailure(stage, f"the request needs {key!r} (a string)", 400)
    return value


def require_texts(payload: Json, key: str, stage: str) -> list:
    value = payload.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StageFailure(stage, f"the request needs {key!r} (a list of strings)", 400)
    return value


async def run_stage(stage_id: str, answer: Callable[[Json, Dict[str, float]], Awaitable[Json]], payload: Any) -> Json:
    """Runs one stage's `answer(payload, timings)`, adds the stage's own time, and turns any
    failure into an error answer naming the stage that failed."""
    started = time.perf_counter()
    timings: Dict[str, float] = {}
    try:
        if not isinstance(payload, dict):
            raise StageFailure(stage_id, f"a request is a JSON object, got {type(payload).__name__}", 400)
        result = await answer(payload, timings)
        if not isinstance(result, dict):
            result = {"result": result}
    except StageFailure as failure:
        merge_timings(timings, failure.timings)
        timings[stage_id] = elapsed_ms(started)
        return {"error": failure.message, "stage": failure.stage, "status": failure.status, "timings_ms": timings}
    except Exception as e:  # a bug or a library's error: still an answer that names this stage
        timings[stage_id] = elapsed_ms(started)
        return {"error": f"{type(e).__name__}: {e}", "stage": stage_id, "status": 500, "timings_ms": timings}
    merge_timings(timings, result.pop("timings_ms", None))
    timings[stage_id] = elapsed_ms(started)
    result["timings_ms"] = timings
    return result


def _cause(e: BaseException) -> BaseException:
    """The user's exception inside Ray's wrapper (RayTaskError / RayActorError keep it as .cause)."""
    cause = getattr(e, "cause", None)
    return cause if isinstance(cause, BaseException) else e


@dataclass
class Downstream:
    """An edge as its caller holds it: the DeploymentHandle of stage `stage_id` (Serve puts the
    handle in place of the bound application) and the method that takes a payload."""

    stage_id: str
    kind: str
    handle: Any
    method: str = "handle_request"

    async def call(self, payload: Json, timings: Dict[str, float]) -> Json:
        """Sends `payload`, merges the answer's timings into `timings`, returns the answer
        without them; an error answer (or a failed call) raises StageFailure."""
        started = time.perf_counter()
        try:
            answer = await self.handle.options(method_name=self.method).remote(payload)
        except Exception as e:
            cause = _cause(e)
            timings[self.stage_id] = timings.get(self.stage_id, 0.0) + elapsed_ms(started)
            raise StageFailure(self.stage_id, f"{type(cause).__name__}: {cause}", 502)
        if not isinstance(answer, dict):
            answer = {"result": answer}
        own = answer.pop("timings_ms", None)
        if not isinstance(own, dict) or self.stage_id not in own:
            # A custom class does not time itself: its caller's view of it stands in.
            own = dict(own or {})
            own[self.stage_id] = elapsed_ms(started)
        merge_timings(timings, own)
        if "error" in answer:
            raise StageFailure(str(answer.get("stage") or self.stage_id), str(answer["error"]), int(answer.get("status") or 502))
        return answer
