"""What every built-in stage shares: the deployment class base (one `handle_request(payload)`
that times the stage and answers errors, see protocol.run_stage) and the checks of a stage's
`options` made at build time, so a typo is refused before anything starts."""
from dataclasses import dataclass
from typing import Any, Dict, Iterable

from ..graph import PipelineError, Stage
from ..protocol import Json, run_stage


@dataclass
class BoundStage:
    """A stage bound into the application: Serve's Application and the method callers use."""

    app: Any
    method: str = "handle_request"


class PipelineStage:
    """Base of the built-in stage deployments: subclasses set `stage_id` and write `answer`."""

    stage_id: str = ""

    async def handle_request(self, payload: Any) -> Json:
        return await run_stage(self.stage_id, self.answer, payload)

    async def answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        raise NotImplementedError


def checked_options(stage: Stage, allowed: Dict[str, type], defaults: Dict[str, Any] = None) -> Dict[str, Any]:
    """The stage's options with defaults filled in; an unknown key or a wrong type is refused."""
    options = dict(defaults or {})
    for key, value in stage.options.items():
        if key not in allowed:
            raise PipelineError(f"unknown option {key!r} for a {stage.kind} stage (known: {', '.join(sorted(allowed)) or 'none'})", stage.id)
        want = allowed[key]
        if value is not None and not _is(value, want):
            raise PipelineError(f"option {key!r} must be {_name(want)}, got {value!r}", stage.id)
        options[key] = value
    return options


def _is(value: Any, want: Any) -> bool:
    kinds = want if isinstance(want, tuple) else (want,)
    if isinstance(value, bool) and bool not in kinds:
        return False
    return isinstance(value, kinds)


def _name(want: Any) -> str:
    kinds: Iterable[type] = want if isinstance(want, tuple) else (want,)
    return " or ".join({int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(k, k.__name__) for k in kinds)


def positive_int(stage: Stage, options: Dict[str, Any], key: str) -> int:
    value = options.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PipelineError(f"option {key!r} must be a whole number of at least 1, got {value!r}", stage.id)
    return value
