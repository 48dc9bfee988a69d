"""Raydeck's Serve application builder: `import_path: raydeck_serve.app:build` with the pipeline
graph in `args` (docs/pipeline-graph.md). Checks the graph, then binds the stages so each is
bound after the stages it names, passing their DeploymentHandles along the edges; returns the
ingress stage's application. Each deployment is named by its stage id, so the config's
`deployments:` entries (replicas, GPUs, autoscaling) apply to the stage of that name.
"""
from typing import Any, Dict

from .graph import PipelineError, parse_pipeline
from .protocol import Downstream
from .stages import bind_stage
from .stages.base import BoundStage

__all__ = ["build", "PipelineError"]


def build(args: Dict[str, Any]) -> Any:
    """Serve's application builder: the graph in `args["pipeline"]` -> a bound Application."""
    graph = parse_pipeline(args)
    bound: Dict[str, BoundStage] = {}
    for stage in graph.bind_order():
        inputs = {
            name: Downstream(stage_id=target, kind=graph.stages[target].kind, handle=bound[target].app, method=bound[target].method)
            for name, target in stage.inputs.items()
        }
        bound[stage.id] = bind_stage(stage, inputs)
    return bound[graph.ingress].app
