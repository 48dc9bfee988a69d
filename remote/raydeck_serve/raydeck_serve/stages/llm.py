"""The llm stage: Ray Serve LLM on vLLM. The stage's `llm_config` is one LLMConfig (as a dict,
checked here without vLLM); the deployment is Ray's own `build_llm_deployment` with the stage
id as its name and `PipelineLLMServer` (Ray's LLMServer plus `handle_request`, llm_server.py)
as its class. Other stages call it through its DeploymentHandle with a plain JSON payload:
`{"prompt", "max_tokens"}` becomes an OpenAI completion request, `{"messages", "max_tokens"}`
a chat request, both run by LLMServer in the replica (the only process that needs vLLM); the
answer is `{"answer", "origin": stage id, "usage"}`.

vLLM is needed where the application is built (Ray's build_llm_deployment reads the engine
config) and where the replica runs; not to import this module.
"""
import copy
from typing import Any, Dict, Tuple

from ..graph import PipelineError, Stage
from ..protocol import Json, StageFailure
from .base import BoundStage

SAMPLING_KEYS = ("max_tokens", "temperature", "top_p", "seed", "stop")


def llm_config_dict(stage: Stage) -> Dict[str, Any]:
    """The stage's LLMConfig fields, checked for what Ray refuses late: tensor parallel x pipeline
    parallel must match the placement group's bundles when bundles are given."""
    config = copy.deepcopy(stage.spec["llm_config"])
    engine = config.get("engine_kwargs") or {}
    for key in ("model", "served_model_name"):
        if key in engine:
            raise PipelineError(f"engine_kwargs.{key} is refused by Ray Serve LLM: set llm_config.model_loading_config", stage.id)
    workers = int(engine.get("tensor_parallel_size") or 1) * int(engine.get("pipeline_parallel_size") or 1)
    group = config.get("placement_group_config")
    if isinstance(group, dict) and isinstance(group.get("bundles"), list) and len(group["bundles"]) != workers:
        raise PipelineError(
            f"placement_group_config has {len(group['bundles'])} bundles but tensor_parallel_size x pipeline_parallel_size is {workers} (one bundle per worker)",
            stage.id)
    deployment = config.get("deployment_config") or {}
    if "name" in deployment:
        raise PipelineError("deployment_config.name is set by the builder (the deployment is named by the stage id)", stage.id)
    return config


def engine_request(payload: Json, model_id: str, stage_id: str) -> Tuple[str, Dict[str, Any]]:
    """The LLMServer method ("chat" or "completions") and the OpenAI request fields for a payload."""
    fields: Dict[str, Any] = {"model": model_id, "stream": False}
    for key in SAMPLING_KEYS:
        if key in payload:
            fields[key] = payload[key]
    if "max_tokens" in fields and (not isinstance(fields["max_tokens"], int) or isinstance(fields["max_tokens"], bool) or fields["max_tokens"] < 1):
        raise StageFailure(stage_id, f"max_tokens must be a whole number of at least 1, got {fields['max_tokens']!r}", 400)
    messages = payload.get("messages")
    if messages is not None:
        if not isinstance(messages, list) or not all(isinstance(m, dict) and "role" in m and "content" in m for m in messages):
            raise StageFailure(stage_id, "'messages' must be a list of {role, content} objects", 400)
        return "chat", {**fields, "messages": messages}
    prompt = payload.get("prompt")
    if not isinstance(prompt, str):
        raise StageFailure(stage_id, "the request needs 'prompt' (a string) or 'messages' (a chat)", 400)
    return "completions", {**fields, "prompt": prompt}


def answer_from(response: Any, stage_id: str) -> Json:
    """The stage's answer from LLMServer's non-streaming response (a ChatCompletionResponse, a
    CompletionResponse, or an ErrorResponse)."""
    error = getattr(response, "error", None)
    if error is not None:
        raise StageFailure(stage_id, str(getattr(error, "message", error)), int(getattr(error, "code", 500) or 500))
    choices = getattr(response, "choices", None) or []
    if not choices:
        raise StageFailure(stage_id, f"the engine answered no choices ({type(response).__name__})", 502)
    first = choices[0]
    message = getattr(first, "message", None)
    text = getattr(message, "content", None) if message is not None else getattr(first, "text", None)
    answer: Json = {"answer": text or "", "origin": stage_id}
    usage = getattr(response, "usage", None)
    if usage is not None:
        answer["usage"] = {k: getattr(usage, k, None) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    return answer


def bind(stage: Stage, inputs: Dict[str, Any]) -> BoundStage:
    config = llm_config_dict(stage)
    # vLLM from here on (Ray's builder reads the engine config; the server class imports it).
    from ray.serve.llm import LLMConfig, build_llm_deployment

    from .llm_server import PipelineLLMServer

    try:
        llm_config = LLMConfig(**config)
    except Exception as e:
        raise PipelineError(f"llm_config is not a valid LLMConfig: {e}", stage.id) from e
    app = build_llm_deployment(llm_config, deployment_cls=PipelineLLMServer, bind_kwargs={"stage_id": stage.id},
                               override_serve_options={"name": stage.id})
    return BoundStage(app)
