"""The llm stage without vLLM (the testbed's cluster test runs it on real vLLM): the LLMConfig
built from a stage (validated by Ray 2.60's own LLMConfig class: model loading, engine args,
deployment config, tensor-parallel placement group), the refusals made before Ray sees it, the
wiring into Ray's build_llm_deployment (named by the stage id, PipelineLLMServer as the class),
and the translation between pipeline JSON and the OpenAI request/response objects."""
from types import SimpleNamespace as NS

import pytest
from ray.llm._internal.serve.core.configs.llm_config import LLMConfig

from raydeck_serve.graph import PipelineError, Stage
from raydeck_serve.protocol import StageFailure
from raydeck_serve.stages.llm import answer_from, engine_request, llm_config_dict

TP2 = {
    "model_loading_config": {"model_id": "big-llama", "model_source": "/root/.raydeck/models/big-llama"},
    "engine_kwargs": {"dtype": "bfloat16", "max_model_len": 4096, "gpu_memory_utilization": 0.9, "tensor_parallel_size": 2},
    "accelerator_type": "A100",
    "placement_group_config": {"bundles": [{"GPU": 1, "CPU": 1}, {"GPU": 1}], "strategy": "STRICT_PACK"},
    "deployment_config": {"autoscaling_config": {"min_replicas": 1, "max_replicas": 2, "target_ongoing_requests": 4}},
}


def llm_stage(config, stage_id="llm_large"):
    return Stage(id=stage_id, kind="llm", spec={"id": stage_id, "kind": "llm", "llm_config": config})


def test_llm_config_from_the_stage_is_ray_serve_llms_own():
    config = LLMConfig(**llm_config_dict(llm_stage(TP2)))
    assert config.model_id == "big-llama"
    assert config.model_loading_config.model_source == "/root/.raydeck/models/big-llama"
    assert config.engine_kwargs == TP2["engine_kwargs"]
    assert config.accelerator_type == "A100"
    assert config.placement_group_config["bundles"] == [{"GPU": 1, "CPU": 1}, {"GPU": 1}]
    assert config.placement_group_config["strategy"] == "STRICT_PACK"
    assert config.deployment_config["autoscaling_config"]["max_replicas"] == 2


def test_cpu_config_as_the_testbed_runs_it():
    cpu = {"model_loading_config": {"model_id": "tiny-llama", "model_source": "/root/.raydeck/models/tiny-llama"},
           "engine_kwargs": {"dtype": "float32", "max_model_len": 256, "enforce_eager": True},
           "accelerator_type": None, "placement_group_config": None, "accelerator_config": {"kind": "cpu"},
           "runtime_env": {"env_vars": {"VLLM_CPU_KVCACHE_SPACE": "1"}}}
    config = LLMConfig(**llm_config_dict(llm_stage(cpu, "llm")))
    assert config.model_id == "tiny-llama" and config.placement_group_config is None
    assert config.runtime_env["env_vars"]["VLLM_CPU_KVCACHE_SPACE"] == "1"


def test_ray_refuses_an_unknown_llm_config_key():
    with pytest.raises(Exception, match="engine_kwarg"):
        LLMConfig(**llm_config_dict(llm_stage({**TP2, "engine_kwarg": {}})))


def test_bundles_must_match_tensor_parallel():
    bad = {**TP2, "placement_group_config": {"bundles": [{"GPU": 1}], "strategy": "PACK"}}
    with pytest.raises(PipelineError) as e:
        llm_config_dict(llm_stage(bad))
    assert e.value.stage == "llm_large" and "1 bundles" in str(e.value) and "is 2" in str(e.value)


def test_model_in_engine_kwargs_is_refused():
    with pytest.raises(PipelineError, match="model_loading_config"):
        llm_config_dict(llm_stage({**TP2, "engine_kwargs": {"model": "x"}}))


def test_build_binds_the_llm_stage_with_rays_builder_named_by_stage_id(fake_serve_llm):
    from raydeck_serve.app import build

    calls, server_cls = fake_serve_llm
    app = build({"pipeline": {"format": 1, "name": "chat", "stages": [
        {"id": "llm_large", "kind": "llm", "llm_config": TP2},
        {"id": "api", "kind": "ingress", "routes": {"/chat": "llm_large"}},
    ]}})
    assert app is not None
    [call] = calls
    assert call["override"] == {"name": "llm_large"}
    assert call["bind_kwargs"] == {"stage_id": "llm_large"}
    assert call["cls"] is server_cls
    assert isinstance(call["llm_config"], LLMConfig) and call["llm_config"].engine_kwargs["tensor_parallel_size"] == 2


def test_build_names_the_stage_of_an_invalid_llm_config(fake_serve_llm):
    from raydeck_serve.app import build

    with pytest.raises(PipelineError) as e:
        build({"pipeline": {"stages": [
            {"id": "llm", "kind": "llm", "llm_config": {**TP2, "llm_engine": "nope"}},
            {"id": "api", "kind": "ingress", "routes": {"/chat": "llm"}},
        ]}})
    assert e.value.stage == "llm" and "not a valid LLMConfig" in str(e.value)


def test_prompt_becomes_a_completion_and_messages_a_chat():
    method, fields = engine_request({"prompt": "hi", "max_tokens": 8, "temperature": 0, "model_size": "7b"}, "tiny", "llm")
    assert method == "completions"
    assert fields == {"model": "tiny", "stream": False, "prompt": "hi", "max_tokens": 8, "temperature": 0}
    messages = [{"role": "user", "content": "hi"}]
    method, fields = engine_request({"messages": messages}, "tiny", "llm")
    assert method == "chat" and fields == {"model": "tiny", "stream": False, "messages": messages}
    for bad in ({}, {"prompt": 3}, {"messages": [{"content": "no role"}]}, {"prompt": "x", "max_tokens": 0}):
        with pytest.raises(StageFailure) as e:
            engine_request(bad, "tiny", "llm")
        assert e.value.stage == "llm" and e.value.status == 400


def test_answers_from_chat_completion_and_error_responses():
    usage = NS(prompt_tokens=5, completion_tokens=3, total_tokens=8)
    chat = NS(choices=[NS(message=NS(content="hello there"))], usage=usage, error=None)
    assert answer_from(chat, "llm_small") == {"answer": "hello there", "origin": "llm_small",
                                              "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}
    completion = NS(choices=[NS(text="done")], usage=None)
    assert answer_from(completion, "llm") == {"answer": "done", "origin": "llm"}
    with pytest.raises(StageFailure) as e:
        answer_from(NS(error=NS(message="max_model_len exceeded", code=400)), "llm")
    assert (e.value.stage, e.value.status, e.value.message) == ("llm", 400, "max_model_len exceeded")
