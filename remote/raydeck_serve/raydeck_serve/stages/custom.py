"""The custom stage: any deployment class (or function) by import path. Its `options` are passed
to the constructor as keyword arguments and its `inputs` as DeploymentHandles (keyword arguments
named by the input). Callers send the JSON payload to its `handle_request` method when it has
one, else to `__call__`; an answer that is not an object comes back as `{"result": ...}`, and
its time is measured by its caller when it does not report its own.
"""
import importlib
import inspect
from typing import Any, Dict

from ray import serve
from ray.serve.deployment import Deployment

from ..graph import PipelineError, Stage
from ..protocol import Downstream
from .base import BoundStage


def import_target(stage: Stage) -> Any:
    path = stage.spec["import_path"]
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise PipelineError(f"cannot import module {module_name!r} of import_path {path!r}: {type(e).__name__}: {e}", stage.id) from e
    try:
        return getattr(module, attr)
    except AttributeError:
        raise PipelineError(f"module {module_name!r} has no attribute {attr!r} (import_path {path!r})", stage.id) from None


def bind(stage: Stage, inputs: Dict[str, Downstream]) -> BoundStage:
    target = import_target(stage)
    if isinstance(target, Deployment):
        deployment, body = target.options(name=stage.id), target.func_or_class
    elif inspect.isclass(target) or inspect.isfunction(target):
        deployment, body = serve.deployment(target, name=stage.id), target
    else:
        raise PipelineError(f"import_path {stage.spec['import_path']!r} is a {type(target).__name__}, not a class, function or Serve deployment", stage.id)
    options = stage.options
    clash = sorted(set(options) & set(inputs))
    if clash:
        raise PipelineError(f"{clash[0]!r} is both an option and an input", stage.id)
    if not inspect.isclass(body):
        if options or inputs:
            raise PipelineError("a function deployment takes no options or inputs (use a class)", stage.id)
        return BoundStage(deployment.bind(), method="__call__")
    method = "handle_request" if callable(getattr(body, "handle_request", None)) else "__call__"
    if method == "__call__" and not callable(getattr(body, "__call__", None)):
        raise PipelineError(f"class {body.__name__} has neither handle_request nor __call__ to take a request", stage.id)
    handles = {name: downstream.handle for name, downstream in inputs.items()}
    return BoundStage(deployment.bind(**options, **handles), method=method)
