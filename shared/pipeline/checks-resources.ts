/**
 * Resource checks of a pipeline graph against the cluster it is meant for: a vLLM replica on a
 * fractional GPU, tensor parallel wider than any one node, more GPUs than the cluster has, and
 * the VRAM estimate of an llm replica (vram.ts) against the GPUs that could hold it. Without
 * cluster facts only what the graph alone shows is checked.
 */
import type {
  ClusterNodeGpus,
  LlmStage,
  PipelineCheck,
  PipelineGraph,
  PipelineStage,
} from './graph';
import { estimateVram, gib, tensorParallelOf } from './vram';

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const fractional = (v: number | undefined): v is number =>
  v !== undefined && v > 0 && !Number.isInteger(v);

/** Replicas a stage starts with and may scale to (Serve's defaults: 1; "auto": 1..100). */
export function replicasOf(stage: PipelineStage): { start: number; max: number } {
  const d = stage.deployment ?? {};
  if (typeof d.num_replicas === 'number') return { start: d.num_replicas, max: d.num_replicas };
  const a = d.autoscaling_config;
  if (a) {
    const min = num(a.min_replicas) ?? 1;
    return { start: num(a.initial_replicas) ?? min, max: num(a.max_replicas) ?? Math.max(min, 1) };
  }
  if (d.num_replicas === 'auto') return { start: 1, max: 100 };
  return { start: 1, max: 1 };
}

/** Workers of an llm replica: tensor x pipeline parallel (one GPU bundle each). */
export const llmWorkers = (stage: LlmStage): number =>
  tensorParallelOf(stage) *
  Math.max(1, num(stage.llm_config.engine_kwargs?.pipeline_parallel_size) ?? 1);

const onCpu = (stage: LlmStage) => stage.llm_config.accelerator_config?.kind === 'cpu';

/** GPUs one replica of the stage asks Ray for. */
export function gpusPerReplica(stage: PipelineStage): number {
  if (stage.kind !== 'llm') return num(stage.deployment?.ray_actor_options?.num_gpus) ?? 0;
  if (onCpu(stage)) return 0;
  const pg = stage.llm_config.placement_group_config;
  if (pg?.bundles) return pg.bundles.reduce((s, b) => s + (num(b.GPU) ?? 0), 0);
  const perWorker = pg?.bundle_per_worker ? (num(pg.bundle_per_worker.GPU) ?? 0) : 1;
  return llmWorkers(stage) * perWorker;
}

function checkLlmGpus(stage: LlmStage): PipelineCheck[] {
  const out: PipelineCheck[] = [];
  const id = stage.id;
  const util = num(stage.llm_config.engine_kwargs?.gpu_memory_utilization);
  const pg = stage.llm_config.placement_group_config;
  const asks = [
    num(stage.deployment?.ray_actor_options?.num_gpus),
    num(pg?.bundle_per_worker?.GPU),
    ...(pg?.bundles ?? []).map((b) => num(b.GPU)),
  ];
  const share = asks.find(fractional);
  if (share !== undefined)
    out.push({
      stageId: id,
      severity: util !== undefined && util <= share ? 'warning' : 'error',
      code: 'fractional-gpu-vllm',
      message: `llm stage "${id}" runs vLLM on ${share} of a GPU; vLLM claims gpu_memory_utilization (${util ?? 0.92}) of the whole card, so a second replica on that GPU fails to start`,
      fix: `give each vLLM worker a whole GPU, or set engine_kwargs.gpu_memory_utilization to at most ${share}`,
    });
  if (pg?.bundles && !onCpu(stage) && pg.bundles.length !== llmWorkers(stage))
    out.push({
      stageId: id,
      severity: 'error',
      code: 'bundles-mismatch',
      message: `llm stage "${id}" has ${pg.bundles.length} placement group bundles for ${llmWorkers(stage)} vLLM workers (tensor x pipeline parallel)`,
      fix: 'give one bundle per worker, e.g. {GPU: 1} each, or remove bundles to let Raydeck write them',
    });
  return out;
}

function checkNodes(stage: PipelineStage, nodes: ClusterNodeGpus[]): PipelineCheck[] {
  if (stage.kind !== 'llm' || onCpu(stage)) return [];
  const out: PipelineCheck[] = [];
  const id = stage.id;
  const workers = llmWorkers(stage);
  const widest = Math.max(0, ...nodes.map((n) => n.gpus));
  const strategy = stage.llm_config.placement_group_config?.strategy ?? 'PACK';
  if (workers > widest && strategy !== 'SPREAD' && strategy !== 'STRICT_SPREAD') {
    out.push({
      stageId: id,
      severity: 'error',
      code: 'tp-exceeds-node',
      message: `llm stage "${id}" needs ${workers} GPUs on one node (tensor parallel ${tensorParallelOf(stage)}), but the cluster's largest node has ${widest}`,
      fix: `lower engine_kwargs.tensor_parallel_size to at most ${widest}, or add a node with ${workers} GPUs`,
    });
    return out;
  }
  const est = estimateVram(stage);
  const candidates = nodes.filter((n) => n.gpus >= workers && n.gpuMemoryMiB !== null);
  if (!est || candidates.length === 0) return out;
  const usable = (n: ClusterNodeGpus) => (n.gpuMemoryMiB! / 1024) * est.gpuMemoryUtilization;
  const fits = candidates.filter((n) => usable(n) >= est.minimumPerGpuGiB);
  const largest = Math.max(...candidates.map(usable));
  const how = `weights ${gib(est.weightsGiB)} GiB + KV cache ${gib(est.kvPerSequenceGiB)} GiB for one ${est.maxModelLen}-token sequence${est.tensorParallel > 1 ? `, over ${est.tensorParallel} GPUs` : ''}, + overhead`;
  if (fits.length === 0) {
    out.push({
      stageId: id,
      severity: 'error',
      code: 'vram-does-not-fit',
      message: `llm stage "${id}" needs about ${gib(est.minimumPerGpuGiB)} GiB per GPU (${how}; shape from ${est.source}), but the largest GPU offers ${gib(largest)} GiB at gpu_memory_utilization ${est.gpuMemoryUtilization}`,
      fix: 'raise tensor_parallel_size, use a smaller dtype or a quantized model, or lower max_model_len',
    });
    return out;
  }
  const { start } = replicasOf(stage);
  const slots = fits.reduce((s, n) => s + Math.floor(n.gpus / workers), 0);
  if (start > slots)
    out.push({
      stageId: id,
      severity: 'error',
      code: 'vram-replicas',
      message: `llm stage "${id}" starts ${start} replicas of ${workers} GPU(s) with about ${gib(est.minimumPerGpuGiB)} GiB each, but the cluster's GPUs large enough hold only ${slots}`,
      fix: `lower the replicas to ${slots}, or add GPUs with enough memory`,
    });
  if (est.fullBatchPerGpuGiB > Math.max(...fits.map(usable)))
    out.push({
      stageId: id,
      severity: 'warning',
      code: 'vram-full-batch',
      message: `llm stage "${id}" fits, but ${est.maxNumSeqs} sequences of ${est.maxModelLen} tokens need about ${gib(est.fullBatchPerGpuGiB)} GiB per GPU: vLLM will run fewer at once`,
      fix: 'lower engine_kwargs.max_num_seqs or max_model_len if you need that many at full length',
    });
  return out;
}

function checkTotals(graph: PipelineGraph, nodes: ClusterNodeGpus[]): PipelineCheck[] {
  const total = nodes.reduce((s, n) => s + n.gpus, 0);
  const out: PipelineCheck[] = [];
  let start = 0;
  let max = 0;
  for (const s of graph.stages) {
    const per = gpusPerReplica(s);
    if (per <= 0) continue;
    const r = replicasOf(s);
    const before = start;
    start += per * r.start;
    max += per * r.max;
    if (start > total && before <= total)
      out.push({
        stageId: s.id,
        severity: 'error',
        code: 'gpus-exceed-cluster',
        message: `with "${s.id}" (${r.start} x ${per} GPU) the pipeline asks for ${start} GPUs at start, the cluster has ${total}: replicas stay PENDING`,
        fix: `lower the replicas or GPUs of "${s.id}" or of the stages before it, or add GPU nodes`,
      });
    else if (start <= total && max > total && max - per * r.max <= total)
      out.push({
        stageId: s.id,
        severity: 'warning',
        code: 'gpus-exceed-cluster-autoscaling',
        message: `scaled to max_replicas, "${s.id}" brings the pipeline to ${max} GPUs, the cluster has ${total}: the extra replicas stay PENDING`,
        fix: `lower autoscaling_config.max_replicas of "${s.id}"`,
      });
  }
  return out;
}

export function checkResources(
  graph: PipelineGraph,
  cluster?: { nodes: ClusterNodeGpus[] },
): PipelineCheck[] {
  const llm = graph.stages.filter((s): s is LlmStage => s.kind === 'llm');
  const out = llm.flatMap(checkLlmGpus);
  if (!cluster) return out;
  return [
    ...out,
    ...graph.stages.flatMap((s) => checkNodes(s, cluster.nodes)),
    ...checkTotals(graph, cluster.nodes),
  ];
}
