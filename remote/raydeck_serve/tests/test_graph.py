"""The graph checks of raydeck_serve.graph (no Ray started): what the builder refuses, each
refusal naming the stage it concerns, and the order stages are bound in."""
import copy

import pytest

from raydeck_serve.graph import PipelineError, parse_pipeline

RAG = {
    "format": 1,
    "name": "rag",
    "ingress": "api",
    "layout": {"embed": [0, 0]},
    "stages": [
        {"id": "embed", "kind": "embedding", "model": "/models/tiny-embed"},
        {"id": "rerank", "kind": "reranker", "model": "/models/tiny-rerank", "options": {"top_n": 3}},
        {"id": "llm", "kind": "llm", "llm_config": {"model_loading_config": {"model_id": "tiny", "model_source": "/m"}}},
        {"id": "rag", "kind": "rag", "options": {"top_k": 10}, "inputs": {"embedding": "embed", "reranker": "rerank", "llm": "llm"}},
        {"id": "api", "kind": "ingress", "routes": {"/query": "rag", "/chat": "llm"}},
    ],
}


def with_stages(*changes):
    graph = copy.deepcopy(RAG)
    for change in changes:
        change(graph["stages"])
    return {"pipeline": graph}


def stage(stages, stage_id):
    return next(s for s in stages if s["id"] == stage_id)


def refused(args):
    with pytest.raises(PipelineError) as info:
        parse_pipeline(args)
    return info.value


def test_binds_every_stage_after_the_stages_it_names():
    graph = parse_pipeline({"pipeline": RAG})
    order = [s.id for s in graph.bind_order()]
    assert sorted(order) == ["api", "embed", "llm", "rag", "rerank"]
    for s in graph.bind_order():
        for target in s.inputs.values():
            assert order.index(target) < order.index(s.id), (target, s.id)
    assert order[-1] == "api" and graph.ingress == "api"
    assert graph.stages["api"].inputs == {"/query": "rag", "/chat": "llm"}


def test_unknown_kind_names_the_stage():
    e = refused(with_stages(lambda st: stage(st, "rerank").update(kind="re-ranker")))
    assert e.stage == "rerank"
    assert "unknown kind 're-ranker'" in str(e) and "'rerank'" in str(e)


def test_missing_input_names_the_stage_and_the_input():
    e = refused(with_stages(lambda st: stage(st, "rag")["inputs"].pop("llm")))
    assert e.stage == "rag" and "missing input 'llm'" in str(e)


def test_input_naming_no_stage_is_refused():
    e = refused(with_stages(lambda st: stage(st, "rag")["inputs"].update(reranker="rerank2")))
    assert e.stage == "rag" and "'rerank2', which is not a stage" in str(e)
    e = refused(with_stages(lambda st: stage(st, "api")["routes"].update({"/x": "nope"})))
    assert e.stage == "api" and "route '/x'" in str(e)


def test_cycle_is_refused_with_its_path():
    def loop(st):
        st.append({"id": "a", "kind": "router", "options": {"field": "f"}, "inputs": {"1": "b"}})
        st.append({"id": "b", "kind": "router", "options": {"field": "f"}, "inputs": {"1": "a"}})
        stage(st, "api")["routes"]["/loop"] = "a"

    e = refused(with_stages(loop))
    assert "cycle" in str(e)
    assert "a -> b -> a" in str(e) or "b -> a -> b" in str(e)


def test_a_stage_naming_itself_is_a_cycle():
    def self_loop(st):
        st.append({"id": "r", "kind": "router", "options": {"field": "f"}, "inputs": {"1": "r"}})
        stage(st, "api")["routes"]["/r"] = "r"

    e = refused(with_stages(self_loop))
    assert e.stage == "r" and "cycle r -> r" in str(e)


def test_exactly_one_ingress():
    e = refused(with_stages(lambda st: st.remove(stage(st, "api"))))
    assert e.stage is None and "no ingress" in str(e)
    e = refused(with_stages(lambda st: st.append({"id": "api2", "kind": "ingress", "routes": {"/q": "rag"}})))
    assert e.stage == "api2" and "two ingress stages" in str(e)


def test_nothing_may_call_the_ingress():
    e = refused(with_stages(lambda st: stage(st, "rag")["inputs"].update(llm="api")))
    assert e.stage == "rag" and "ingress" in str(e)


def test_a_stage_no_route_reaches_is_refused():
    e = refused(with_stages(lambda st: st.append({"id": "orphan", "kind": "embedding", "model": "m"})))
    assert e.stage == "orphan" and "not reachable" in str(e)


def test_ids_are_deployment_names_and_unique():
    e = refused(with_stages(lambda st: stage(st, "embed").update(id="9embed")))
    assert "'9embed'" in str(e)
    e = refused(with_stages(lambda st: st.append({"id": "embed", "kind": "embedding", "model": "m"})))
    assert e.stage == "embed" and "two stages" in str(e)


def test_kind_fields_are_required():
    e = refused(with_stages(lambda st: stage(st, "embed").pop("model")))
    assert e.stage == "embed" and "'model'" in str(e)
    e = refused(with_stages(lambda st: stage(st, "llm")["llm_config"].pop("model_loading_config")))
    assert e.stage == "llm" and "model_id" in str(e)


def test_router_default_must_be_one_of_its_inputs():
    def router(st):
        st.append({"id": "gw", "kind": "router", "options": {"field": "model_size", "default": "13b"}, "inputs": {"7b": "llm"}})
        stage(st, "api")["routes"]["/gw"] = "gw"

    e = refused(with_stages(router))
    assert e.stage == "gw" and "'13b'" in str(e)


def test_other_formats_and_missing_graph_are_refused():
    assert "args.pipeline is missing" in str(refused({}))
    assert "format 2" in str(refused({"pipeline": {**RAG, "format": 2}}))
    named = refused({"pipeline": {**RAG, "ingress": "gateway"}})
    assert "'gateway'" in str(named)
