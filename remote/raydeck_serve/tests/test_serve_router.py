"""Seed 001's model gateway deployed on a real local Ray Serve through the config path: a router
sends `model_size: 7b` and `70b` requests to two different stages (real Serve deployments
standing in for LLM stages via the custom kind), checked by the answers' origin; per-stage
timings; error answers naming the stage; the config's `deployments:` applying by stage id; a
graph the builder refuses reported by Serve with the stage's name."""
import pytest

from conftest import app_config, fake_llm, small

GATEWAY = {
    "format": 1,
    "name": "gateway",
    "ingress": "api",
    "stages": [
        fake_llm("llm_small", delay_s=0.05),
        fake_llm("llm_large", delay_s=0.05),
        {**fake_llm("llm_broken"), "options": {"origin": "llm_broken", "fail": True}},
        {"id": "router", "kind": "router", "options": {"field": "model_size", "default": "7b"},
         "inputs": {"7b": "llm_small", "70b": "llm_large", "broken": "llm_broken"}},
        {"id": "doubler", "kind": "custom", "import_path": "pipeline_test_stages:PlainCallable", "options": {"scale": 2}},
        {"id": "api", "kind": "ingress", "routes": {"/gateway": "router", "/small": "llm_small", "/double": "doubler"}},
    ],
}
STAGES = [s["id"] for s in GATEWAY["stages"]]


@pytest.fixture(scope="module")
def gateway(serve_session):
    deployments = small(STAGES)
    next(d for d in deployments if d["name"] == "llm_large")["num_replicas"] = 2
    states = serve_session.deploy(app_config("gateway", GATEWAY, deployments))
    assert states["gateway"].status == "RUNNING", states["gateway"].message
    return serve_session


def test_router_sends_each_model_size_to_its_stage(gateway):
    status, small_answer = gateway.post("/gateway/gateway", {"model_size": "7b", "prompt": "hello"})
    assert status == 200, small_answer
    assert small_answer["origin"] == "llm_small" and small_answer["answer"] == "[llm_small] hello"
    status, large_answer = gateway.post("/gateway/gateway", {"model_size": "70b", "prompt": "hello"})
    assert status == 200 and large_answer["origin"] == "llm_large"
    # The whole request reaches the chosen stage, the routing field included.
    assert large_answer["seen"] == {"model_size": "70b", "prompt": "hello"}
    status, default_answer = gateway.post("/gateway/gateway", {"prompt": "no size"})
    assert status == 200 and default_answer["origin"] == "llm_small"


def test_timings_name_every_stage_on_the_path(gateway):
    _, answer = gateway.post("/gateway/gateway", {"model_size": "70b", "prompt": "t"})
    timings = answer["timings_ms"]
    assert set(timings) == {"api", "router", "llm_large"}
    # llm_large sleeps 50 ms; each caller's time includes the calls it made.
    assert 50 <= timings["llm_large"] <= timings["router"] <= timings["api"] < 30_000
    _, direct = gateway.post("/gateway/small", {"prompt": "direct"})
    assert set(direct["timings_ms"]) == {"api", "llm_small"} and direct["origin"] == "llm_small"


def test_unknown_field_value_is_refused_by_the_router(gateway):
    status, answer = gateway.post("/gateway/gateway", {"model_size": "13b", "prompt": "x"})
    assert status == 400
    assert answer["stage"] == "router" and "'13b'" in answer["error"] and "70b" in answer["error"]
    assert set(answer["timings_ms"]) == {"api", "router"}


def test_a_failing_stage_is_named_in_the_error(gateway):
    status, answer = gateway.post("/gateway/gateway", {"model_size": "broken", "prompt": "x"})
    assert status == 502
    assert answer["stage"] == "llm_broken" and "out of order" in answer["error"]
    assert {"api", "router", "llm_broken"} <= set(answer["timings_ms"])


def test_ingress_refuses_unknown_routes_methods_and_bodies(gateway):
    status, answer = gateway.post("/gateway/nowhere", {"prompt": "x"})
    assert status == 404 and answer["stage"] == "api" and "/gateway" in answer["error"]
    status, answer = gateway.post("/gateway/gateway", None, method="GET")
    assert status == 405 and answer["stage"] == "api"
    status, answer = gateway.post("/gateway/gateway", b"{not json")
    assert status == 400 and answer["stage"] == "api"
    status, answer = gateway.post("/gateway/gateway", [1, 2])
    assert status == 400 and answer["stage"] == "api"


def test_custom_class_answers_wrapped_and_timed_by_its_caller(gateway):
    status, answer = gateway.post("/gateway/double", {"numbers": [1, 2, 3]})
    assert status == 200 and answer["result"] == [2, 4, 6]
    assert set(answer["timings_ms"]) == {"api", "doubler"}


def test_deployments_are_named_by_stage_id_and_take_the_config_overrides(gateway):
    from ray import serve

    deployments = serve.status().applications["gateway"].deployments
    assert set(deployments) == set(STAGES)
    assert deployments["llm_large"].replica_states.get("RUNNING") == 2
    assert deployments["llm_small"].replica_states.get("RUNNING") == 1


def test_serve_reports_a_refused_graph_naming_the_stage(serve_session):
    broken = {**GATEWAY, "stages": [s if s["id"] != "router" else {**s, "inputs": {**s["inputs"], "70b": "llm_huge"}} for s in GATEWAY["stages"]]}
    states = serve_session.deploy(app_config("broken", broken))
    assert states["broken"].status == "DEPLOY_FAILED"
    assert "pipeline stage 'router'" in states["broken"].message and "'llm_huge', which is not a stage" in states["broken"].message
    from ray import serve

    serve.delete("broken")
