"""PipelineLLMServer: Ray Serve LLM's own LLMServer (vLLM engine, metrics, placement group) with
one more method, `handle_request(payload)`, so other pipeline stages call it through its
DeploymentHandle with plain JSON and get `{"answer", "origin", "timings_ms"}`. The OpenAI
request objects are built here, in the replica, so callers never import vLLM. Imported only
where vLLM is installed (ray.serve.llm needs it).
"""
from typing import Any, Dict

from ray.serve.llm.deployment import LLMServer
from ray.serve.llm.openai_api_models import ChatCompletionRequest, CompletionRequest

from ..protocol import Json, StageFailure, run_stage
from .llm import answer_from, engine_request


class PipelineLLMServer(LLMServer):
    async def __init__(self, llm_config: Any, *, stage_id: str, **kwargs: Any):
        self.stage_id = stage_id
        await super().__init__(llm_config, **kwargs)

    async def handle_request(self, payload: Any) -> Json:
        return await run_stage(self.stage_id, self._answer, payload)

    async def _answer(self, payload: Json, timings: Dict[str, float]) -> Json:
        method, fields = engine_request(payload, self._llm_config.model_id, self.stage_id)
        request = ChatCompletionRequest(**fields) if method == "chat" else CompletionRequest(**fields)
        # LLMServer.chat / .completions return the engine's stream; not streaming, it yields the
        # whole response (or an ErrorResponse) once (the same path Ray's OpenAiIngress takes).
        stream = await getattr(self, method)(request)
        response = None
        async for item in stream:
            response = item[0] if isinstance(item, list) and item else item
        if response is None:
            raise StageFailure(self.stage_id, "the engine answered nothing", 502)
        return answer_from(response, self.stage_id)
