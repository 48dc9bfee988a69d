#!/usr/bin/env python3
"""Ray's own verdict on Serve configs, for Raydeck's conformance test.

For each file given (a Serve config, or a KubeRay manifest whose RayService documents hold the
config in spec.serveConfigV2), runs Ray's ServeDeploySchema (pydantic) on every config and
reports, as JSON on stdout:
  - accepted: whether ServeDeploySchema.model_validate takes it (what `PUT
    /api/serve/applications/` does first), with Ray's error text when not;
  - dropped: every key Ray will not use, as a path: keys that a pydantic model with the default
    extra="ignore" leaves out, including in the blocks Ray keeps as dicts at PUT time and turns
    into models only when it builds the deployment (autoscaling_config, request_router_config,
    gang_scheduling_config, deployment_actors);
  - needs_user_code: true where Ray's verdict needed to import the application's code (it imports
    request_router_class while validating); accepted is then null;
  - rejected_later: errors Ray raises only on the cluster, for the autoscaling_config dicts
    (AutoscalingConfig, with num_replicas "auto" resolved as Ray does).
Never imports the applications' code. With --schema instead of files, prints the keys of each block of Ray's models. Run with the
Python of a venv holding ray[serve] at Raydeck's pin (RAY_VERSION, shared/domain/bringup.ts; ray-env.sh makes it):
  python ray_conformance.py FILE...   |   python ray_conformance.py --schema
"""
from __future__ import annotations

import json
import sys
import typing

import pydantic
import ray
import yaml
from ray.serve.config import AutoscalingConfig, DeploymentActorConfig, GangSchedulingConfig, RequestRouterConfig
from ray.serve.schema import DeploymentSchema, ServeDeploySchema

# Blocks Ray keeps as plain dicts at PUT time and validates with this model later.
LATER_MODELS = {
    (DeploymentSchema, "autoscaling_config"): AutoscalingConfig,
    (DeploymentSchema, "request_router_config"): RequestRouterConfig,
    (DeploymentSchema, "gang_scheduling_config"): GangSchedulingConfig,
    (DeploymentSchema, "deployment_actors"): DeploymentActorConfig,
}


def model_in(annotation) -> tuple[type | None, bool]:
    """(the pydantic model in an annotation, whether it is a list of it)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation, False
    if origin in (list, typing.List):
        inner, _ = model_in(args[0]) if args else (None, False)
        return inner, True
    if origin is typing.Union or str(origin) == "types.UnionType":
        for a in args:
            m, is_list = model_in(a)
            if m is not None:
                return m, is_list
    return None, False


def dropped_keys(model: type[pydantic.BaseModel], value, path: list) -> list[list]:
    if not isinstance(value, dict):
        return []
    out: list[list] = []
    fields = model.model_fields
    names = {name for name in fields} | {f.alias for f in fields.values() if f.alias}
    extra = model.model_config.get("extra", "ignore")
    for key, v in value.items():
        if key not in names:
            if extra != "forbid" and extra != "allow":
                out.append(path + [key])
            continue
        sub = LATER_MODELS.get((model, key))
        is_list = key == "deployment_actors"
        if sub is None:
            sub, is_list = model_in(fields[key].annotation)
        if sub is None:
            continue
        if is_list and isinstance(v, list):
            for i, item in enumerate(v):
                out.extend(dropped_keys(sub, item, path + [key, i]))
        elif not is_list:
            out.extend(dropped_keys(sub, v, path + [key]))
    return out


def later_errors(config: dict) -> list[dict]:
    from ray.serve._private.config import handle_num_replicas_auto

    out = []
    for i, app in enumerate(config.get("applications") or []):
        for j, dep in enumerate((app or {}).get("deployments") or []):
            if not isinstance(dep, dict):
                continue
            auto = dep.get("autoscaling_config")
            if dep.get("num_replicas") == "auto":
                try:
                    handle_num_replicas_auto(None, auto if isinstance(auto, dict) else None)
                except Exception as e:  # noqa: BLE001 - any refusal counts
                    out.append({"path": ["applications", i, "deployments", j, "autoscaling_config"], "error": str(e).splitlines()[0]})
            elif isinstance(auto, dict):
                try:
                    AutoscalingConfig(**auto)
                except Exception as e:  # noqa: BLE001
                    out.append({"path": ["applications", i, "deployments", j, "autoscaling_config"], "error": str(e).splitlines()[0]})
    return out


def verdict(config) -> dict:
    needs_code = False
    try:
        ServeDeploySchema.model_validate(config)
        accepted, error = True, None
    except pydantic.ValidationError as e:
        accepted, error = False, " | ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
    except ImportError as e:
        # Ray imports some class paths (request_router_class) while validating: its verdict then
        # depends on the application's code being importable here, which a validator must not need.
        accepted, error, needs_code = None, f"{type(e).__name__}: {e}", True
    except Exception as e:  # noqa: BLE001 - e.g. a TypeError from a validator: still a refusal
        accepted, error = False, f"{type(e).__name__}: {e}"
    return {
        "accepted": accepted,
        "needs_user_code": needs_code,
        "error": error,
        "dropped": dropped_keys(ServeDeploySchema, config, []) if isinstance(config, dict) else [],
        "rejected_later": later_errors(config) if accepted else [],
    }


def configs_in(text: str) -> list:
    docs = list(yaml.safe_load_all(text))
    services = [d for d in docs if isinstance(d, dict) and d.get("kind") == "RayService"]
    if not services:
        return [docs[0] if docs else None]
    return [yaml.safe_load(((d.get("spec") or {}).get("serveConfigV2")) or "") for d in services]


def schema_fields() -> dict[str, list[str]]:
    """The keys of each block of Ray's Serve config, from Ray's own models."""
    from ray.serve.config import AutoscalingPolicy, BackpressureConfig, ControllerOptions
    from ray.serve.schema import (
        HTTPOptionsSchema,
        LoggingConfig,
        RayActorOptionsSchema,
        ServeApplicationSchema,
        TracingConfig,
        gRPCOptionsSchema,
    )

    models = {
        "deploy": ServeDeploySchema, "application": ServeApplicationSchema, "deployment": DeploymentSchema,
        "actor": RayActorOptionsSchema, "autoscaling": AutoscalingConfig, "policy": AutoscalingPolicy,
        "router": RequestRouterConfig, "backpressure": BackpressureConfig, "gang": GangSchedulingConfig,
        "deploymentActor": DeploymentActorConfig, "http": HTTPOptionsSchema, "grpc": gRPCOptionsSchema,
        "logging": LoggingConfig, "tracing": TracingConfig, "controller": ControllerOptions,
    }
    fields = {kind: sorted(m.model_fields) for kind, m in models.items()}
    fields.update(llm_fields())
    return fields


def llm_fields() -> dict[str, list[str]]:
    """Ray Serve LLM's config models, read from Ray's installed source with ast: importing them
    needs vLLM itself, which this venv does not have."""
    import ast
    import pathlib

    base = pathlib.Path(ray.__file__).parent / "llm" / "_internal"
    where = {
        "llmArgs": ("serve/core/ingress/builder.py", "LLMServingArgs"),
        "ingressCls": ("serve/core/ingress/builder.py", "IngressClsConfig"),
        "llmConfig": ("serve/core/configs/llm_config.py", "LLMConfig"),
        "modelLoading": ("serve/core/configs/llm_config.py", "ModelLoadingConfig"),
        "lora": ("serve/core/configs/llm_config.py", "LoraConfig"),
        "placementGroup": ("common/placement.py", "PlacementGroupConfig"),
        "callback": ("common/callbacks/base.py", "CallbackConfig"),
    }
    out = {}
    for kind, (file, cls) in where.items():
        tree = ast.parse((base / file).read_text())
        node = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls)
        out[kind] = sorted(
            s.target.id for s in node.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and not s.target.id.startswith("_")
        )
    return out


def main() -> None:
    if sys.argv[1:] == ["--schema"]:
        from ray.util.accelerators import accelerators

        # Ray Serve LLM's AcceleratorType is an Enum over every value of this module.
        accelerator_types = sorted({v for k, v in vars(accelerators).items() if not k.startswith("_") and isinstance(v, str)})
        import ast
        import pathlib

        llm_init = pathlib.Path(ray.__file__).parent / "serve" / "llm" / "__init__.py"
        builders = sorted(n.name for n in ast.parse(llm_init.read_text()).body if isinstance(n, ast.FunctionDef) and n.name.startswith("build_"))
        json.dump(
            {"ray_version": ray.__version__, "fields": schema_fields(), "accelerator_types": accelerator_types, "llm_builders": builders},
            sys.stdout,
            indent=1,
        )
        return
    results = []
    for file in sys.argv[1:]:
        with open(file, encoding="utf-8") as f:
            text = f.read()
        for index, config in enumerate(configs_in(text)):
            results.append({"file": file, "index": index, **verdict(config)})
    json.dump({"ray_version": ray.__version__, "pydantic_version": pydantic.VERSION, "results": results}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
