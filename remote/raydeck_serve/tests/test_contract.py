"""The contract between the two halves (docs/pipeline-graph.md): the TypeScript compiler
(shared/pipeline/compile.ts) compiles the editor's example pipelines (shared/pipeline/fixtures.ts)
and this builder builds each one as Serve would — every stage bound, each llm stage's LLMConfig
accepted by Ray 2.60's own class, and every `deployments:` entry naming a deployment of the built
application (Ray refuses an override that names none). Nothing is deployed: the models of the
fixtures live on the testbed's nodes."""
import json
import shutil
import subprocess

import pytest

from conftest import REPO
from raydeck_serve.app import build
from raydeck_serve.graph import PipelineError

COMPILE = ("import { FIXTURES, serveConfigOf } from './shared/pipeline/index.ts';"
           "console.log(JSON.stringify(Object.fromEntries(Object.entries(FIXTURES).map(([k, f]) => [k, serveConfigOf(f())]))));")


@pytest.fixture(scope="module")
def compiled():
    if not shutil.which("npx"):
        pytest.fail("npx is needed to run the TypeScript compiler (Node.js and the repo's node_modules)")
    out = subprocess.run(["npx", "tsx", "--eval", COMPILE], cwd=REPO, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def deployment_names(app, name):
    from ray.serve._private.build_app import build_app

    return {d.name for d in build_app(app, name=name).deployments}


@pytest.mark.parametrize("fixture", ["rag", "gateway", "tp-llm"])
def test_compiled_examples_build_with_every_override_naming_a_deployment(compiled, fake_serve_llm, fixture):
    calls, _ = fake_serve_llm
    [application] = compiled[fixture]["applications"]
    assert application["import_path"] == "raydeck_serve.app:build"
    app = build(application["args"])
    stages = {s["id"] for s in application["args"]["pipeline"]["stages"]}
    assert deployment_names(app, application["name"]) == stages
    assert {d["name"] for d in application["deployments"]} <= stages
    llm_stages = [s for s in application["args"]["pipeline"]["stages"] if s["kind"] == "llm"]
    assert sorted(c["override"]["name"] for c in calls) == sorted(s["id"] for s in llm_stages)
    for call in calls:
        config = call["llm_config"]
        assert config.model_id and config.engine_kwargs.get("max_model_len") == 512


def test_tensor_parallel_example_reaches_ray_with_one_gpu_bundle_per_worker(compiled, fake_serve_llm):
    calls, _ = fake_serve_llm
    build(compiled["tp-llm"]["applications"][0]["args"])
    [call] = calls
    config = call["llm_config"]
    assert config.engine_kwargs["tensor_parallel_size"] == 2
    assert config.placement_group_config == {"bundles": [{"GPU": 1}, {"GPU": 1}], "strategy": "STRICT_PACK"}


def test_custom_example_names_its_stage_when_the_import_fails(compiled, fake_serve_llm):
    with pytest.raises(PipelineError) as e:
        build(compiled["custom"]["applications"][0]["args"])
    assert e.value.stage == "tool" and "mypkg.tools" in str(e.value)
