"""The pipeline graph of a Serve config's `args` (docs/pipeline-graph.md, format 1), read and
checked before anything is bound: every stage a known kind with its required fields, every edge
(an `inputs` entry, an ingress route) naming a stage, exactly one ingress, no cycle, every stage
reachable from the ingress. A refusal is a PipelineError naming the stage it concerns.
"""
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

FORMAT = 1
STAGE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,47}$")
KINDS = ("ingress", "llm", "embedding", "reranker", "rag", "router", "custom")
RAG_INPUTS = ("embedding", "reranker", "llm")
IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*[:.][A-Za-z_]\w*$")


class PipelineError(ValueError):
    """A graph the builder refuses; `stage` is the id of the stage concerned (None: the graph)."""

    def __init__(self, message: str, stage: Optional[str] = None):
        self.stage = stage
        super().__init__(f"pipeline stage {stage!r}: {message}" if stage else f"pipeline: {message}")


@dataclass(frozen=True)
class Stage:
    """One stage: `inputs` maps an input name (a router's field value, an ingress route) to a stage id."""

    id: str
    kind: str
    spec: Dict[str, Any]
    inputs: Dict[str, str] = field(default_factory=dict)

    @property
    def options(self) -> Dict[str, Any]:
        return dict(self.spec.get("options") or {})


@dataclass(frozen=True)
class PipelineGraph:
    name: str
    stages: Dict[str, Stage]
    ingress: str

    def bind_order(self) -> List[Stage]:
        """Stages with every stage a stage names before it (its handles exist when it is bound)."""
        order: List[Stage] = []
        seen = set()

        def visit(stage_id: str) -> None:
            if stage_id in seen:
                return
            seen.add(stage_id)
            for target in self.stages[stage_id].inputs.values():
                visit(target)
            order.append(self.stages[stage_id])

        visit(self.ingress)
        return order


def _mapping(value: Any, what: str, stage: Optional[str]) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PipelineError(f"{what} must be a mapping, got {type(value).__name__}", stage)
    return value


def _refs(value: Any, what: str, stage: str) -> Dict[str, str]:
    refs = _mapping(value, what, stage)
    for name, target in refs.items():
        if not isinstance(target, str) or not target:
            raise PipelineError(f"{what} {name!r} must name a stage id, got {target!r}", stage)
    return {str(k): v for k, v in refs.items()}


def _text(spec: Dict[str, Any], key: str, stage: str, kind: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PipelineError(f"a {kind} stage needs {key!r} (a non-empty string)", stage)
    return value


def _stage(raw: Any, index: int) -> Stage:
    if not isinstance(raw, dict):
        raise PipelineError(f"stages[{index}] must be a mapping")
    stage_id = raw.get("id")
    if not isinstance(stage_id, str) or not STAGE_ID.match(stage_id):
        raise PipelineError(f"stages[{index}] has id {stage_id!r}: an id is a letter then letters, digits, '_' or '-' (48 at most)")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise PipelineError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})", stage_id)
    _mapping(raw.get("options"), "options", stage_id)
    inputs: Dict[str, str] = {}
    if kind == "ingress":
        inputs = _refs(raw.get("routes"), "route", stage_id)
        if not inputs:
            raise PipelineError("an ingress stage needs at least one route (path -> stage id)", stage_id)
        for path in inputs:
            if not path.startswith("/"):
                raise PipelineError(f"route {path!r} must start with '/'", stage_id)
    elif kind in ("embedding", "reranker"):
        _text(raw, "model", stage_id, kind)
    elif kind == "llm":
        config = raw.get("llm_config")
        if not isinstance(config, dict):
            raise PipelineError("an llm stage needs llm_config (a Ray Serve LLM LLMConfig as a mapping)", stage_id)
        loading = config.get("model_loading_config")
        if not isinstance(loading, dict) or not loading.get("model_id"):
            raise PipelineError("llm_config.model_loading_config.model_id is missing", stage_id)
    elif kind == "rag":
        inputs = _refs(raw.get("inputs"), "input", stage_id)
        for name in RAG_INPUTS:
            if name not in inputs:
                raise PipelineError(f"missing input {name!r} (a rag stage needs {', '.join(RAG_INPUTS)})", stage_id)
        extra = sorted(set(inputs) - set(RAG_INPUTS))
        if extra:
            raise PipelineError(f"unknown input {extra[0]!r} (a rag stage takes {', '.join(RAG_INPUTS)})", stage_id)
    elif kind == "router":
        inputs = _refs(raw.get("inputs"), "input", stage_id)
        options = _mapping(raw.get("options"), "options", stage_id)
        if not isinstance(options.get("field"), str) or not options["field"]:
            raise PipelineError("a router needs options.field (the request field it routes by)", stage_id)
        if not inputs:
            raise PipelineError("a router needs at least one input (field value -> stage id)", stage_id)
        default = options.get("default")
        if default is not None and str(default) not in inputs:
            raise PipelineError(f"options.default {default!r} is not one of its inputs ({', '.join(inputs)})", stage_id)
    elif kind == "custom":
        path = _text(raw, "import_path", stage_id, kind)
        if not IMPORT_PATH.match(path):
            raise PipelineError(f"import_path {path!r} is not 'module:attribute'", stage_id)
        inputs = _refs(raw.get("inputs"), "input", stage_id)
        for name in inputs:
            if not name.isidentifier():
                raise PipelineError(f"input {name!r} is not a Python keyword argument name", stage_id)
    return Stage(id=stage_id, kind=kind, spec=raw, inputs=inputs)


def _check_cycles(stages: Dict[str, Stage]) -> None:
    state: Dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(stage_id: str, path: List[str]) -> None:
        state[stage_id] = 1
        for target in stages[stage_id].inputs.values():
            if state.get(target) == 1:
                trail = path + [stage_id]
                cycle = trail[trail.index(target):] + [target]
                raise PipelineError(f"cycle {' -> '.join(cycle)} (the graph must be a DAG)", target)
            if target not in state:
                visit(target, path + [stage_id])
        state[stage_id] = 2

    for stage_id in stages:
        if stage_id not in state:
            visit(stage_id, [])


def parse_pipeline(args: Any) -> PipelineGraph:
    """Reads `args` (the Serve config's) into a checked graph, or raises PipelineError."""
    pipeline = _mapping(args, "args", None).get("pipeline")
    if not isinstance(pipeline, dict):
        raise PipelineError("args.pipeline is missing (the graph Raydeck's editor compiles)")
    if pipeline.get("format", FORMAT) != FORMAT:
        raise PipelineError(f"format {pipeline.get('format')!r} is not supported (this builder reads format {FORMAT})")
    raw_stages = pipeline.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise PipelineError("stages must be a non-empty list")
    stages: Dict[str, Stage] = {}
    for index, raw in enumerate(raw_stages):
        stage = _stage(raw, index)
        if stage.id in stages:
            raise PipelineError("two stages have this id", stage.id)
        stages[stage.id] = stage
    for stage in stages.values():
        for name, target in stage.inputs.items():
            if target not in stages:
                what = "route" if stage.kind == "ingress" else "input"
                raise PipelineError(f"{what} {name!r} names {target!r}, which is not a stage", stage.id)
            if stages[target].kind == "ingress":
                raise PipelineError(f"input {name!r} names the ingress {target!r} (nothing may call the ingress)", stage.id)
    ingresses = [s.id for s in stages.values() if s.kind == "ingress"]
    if not ingresses:
        raise PipelineError("no ingress stage (one stage of kind 'ingress' receives HTTP)")
    if len(ingresses) > 1:
        raise PipelineError(f"two ingress stages ({', '.join(ingresses)}): exactly one receives HTTP", ingresses[1])
    named = pipeline.get("ingress")
    if named is not None and named != ingresses[0]:
        raise PipelineError(f"ingress is {named!r} but the ingress stage is {ingresses[0]!r}")
    _check_cycles(stages)
    graph = PipelineGraph(name=str(pipeline.get("name") or ""), stages=stages, ingress=ingresses[0])
    reached = {s.id for s in graph.bind_order()}
    for stage_id in stages:
        if stage_id not in reached:
            raise PipelineError(f"not reachable from the ingress {graph.ingress!r} (no route or input leads to it)", stage_id)
    return graph
