/**
 * `raydeck monitor CLUSTER [--once] [--json]` and `raydeck scale CLUSTER APP DEPLOYMENT
 * (--replicas N | --min N --max N [--target N]) [--wait] [--auto-rollback S] [--json]`.
 * monitor subscribes to the cluster's live monitor (GPU streams, Serve status, metrics), waits a
 * few periods so rates exist, prints the snapshot (per GPU, per deployment, per replica, with
 * timestamps; null where there is no value) and unsubscribes; without --once it prints again
 * every few seconds until Ctrl+C. scale prints the fit preview's warnings, then applies through
 * the same safe apply as `serve apply` (diff, history, follow).
 */
import type { DeploymentView, Measured, MonitorSnapshot } from '../../../shared';
import { UsageError, type CliCommand, type CliContext } from '../cli-types';
import { printResult, table } from '../output';
import { applyAndFollow, positiveSeconds } from './serve-cluster';
import { findClusterByName } from './node';

const v = (m: Measured, digits = 1) => (m.value === null ? '-' : m.value.toFixed(digits));
const n = (x: number | null, unit = '') => (x === null ? '-' : `${x}${unit}`);

export function monitorLines(name: string, s: MonitorSnapshot): string[] {
  const at = new Date(s.takenAt).toISOString();
  const lines = [
    `${name} at ${at}: ${s.nodes.length} nodes, ${s.gpus.length} GPUs, ${s.deployments.length} deployments${s.cost.perHour !== null ? `, $${s.cost.perHour.toFixed(2)}/h` : ''}${s.cost.perMillionRequests !== null ? `, $${s.cost.perMillionRequests.toFixed(2)} per 1M requests` : ''}`,
  ];
  for (const a of s.alerts) lines.push(`ALERT ${a.severity} ${a.kind} ${a.subject}: ${a.message}`);
  if (s.gpus.length)
    lines.push(
      ...table(
        ['GPU', 'NAME', 'UTIL', 'MEM MiB', 'TEMP', 'POWER', 'REPLICAS', 'FLAGS'],
        s.gpus.map((g) => [
          g.key,
          g.name ?? '-',
          n(g.utilizationPct, '%'),
          `${n(g.memoryUsedMiB)}/${n(g.memoryTotalMiB)}`,
          n(g.temperatureC, 'C'),
          n(g.powerW, 'W'),
          // The replicas whose processes are on the GPU (the actor or one under it).
          [...new Set(g.processes.map((p) => p.replicaId).filter(Boolean))].join(',') || '-',
          [g.lost && 'LOST', g.hot && 'HOT', g.stale && 'stale', g.xid !== null && `Xid ${g.xid}`]
            .filter(Boolean)
            .join(','),
        ]),
      ),
    );
  const dep = (d: DeploymentView) => [
    d.key,
    d.status,
    `${d.running}/${d.desired}${d.pending ? ` (${d.pending} pending)` : ''}`,
    v(d.metrics.queueLength, 0),
    v(d.metrics.ongoingRequests, 0),
    v(d.metrics.rps),
    v(d.metrics.latencyP95Ms, 0),
    v(d.metrics.tokensPerS, 0),
  ];
  if (s.deployments.length)
    lines.push(
      ...table(
        ['DEPLOYMENT', 'STATUS', 'REPLICAS', 'QUEUE', 'ONGOING', 'RPS', 'P95 ms', 'TOK/s'],
        s.deployments.map(dep),
      ),
    );
  for (const d of s.deployments)
    if (d.pendingReason) lines.push(`${d.key} pending because: ${d.pendingReason}`);
  for (const c of s.collectors)
    if (c.state === 'error')
      lines.push(`(${c.kind}${c.nodeId ? ` on ${c.nodeId}` : ''}: ${c.message})`);
  return lines;
}

const sleep = (ms: number, stopped: Promise<void>) =>
  Promise.race([new Promise((r) => setTimeout(r, ms)), stopped]);

function intOpt(
  values: Record<string, string | boolean | undefined>,
  name: string,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(x) || x < 0)
    throw new UsageError(`--${name} wants a whole number, got "${String(raw)}"`);
  return x;
}

async function monitorRun(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  ctx: CliContext,
): Promise<number> {
  const client = ctx.client();
  const cluster = await findClusterByName(client, positionals[0]!);
  const settleS = values.settle === undefined ? 2.5 : Number(values.settle);
  if (!Number.isFinite(settleS) || settleS < 0 || settleS > 60)
    throw new UsageError(`--settle wants seconds (0-60), got "${String(values.settle)}"`);
  let stop = false;
  void ctx.stopped.then(() => (stop = true));
  await client.call('monitor.subscribe', { clusterId: cluster.id });
  try {
    await sleep(settleS * 1000, ctx.stopped);
    for (;;) {
      const snap = await client.call('monitor.snapshot', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, snap, () => monitorLines(cluster.name, snap));
      if (values.once === true || stop) return 0;
      await sleep(5000, ctx.stopped);
      if (stop) return 0;
    }
  } finally {
    await client.call('monitor.unsubscribe', { clusterId: cluster.id });
  }
}

export const monitorCommands: CliCommand[] = [
  {
    words: ['monitor'],
    usage: 'raydeck monitor CLUSTER [--once] [--json] [--settle S]',
    summary:
      'Live GPUs, deployments and replicas of a cluster (nvidia-smi streams, Serve status, Ray metrics), without Prometheus.',
    details: [
      '  --once      one snapshot after --settle seconds (default 2.5: rates need two readings), then exit',
      '  --json      the snapshot as JSON: per GPU, per deployment (metrics with their time), per replica; null = no value',
      'Without --once: a new snapshot every 5 s until Ctrl+C.',
    ],
    options: { once: { type: 'boolean' }, json: { type: 'boolean' }, settle: { type: 'string' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    run: ({ values, positionals }, ctx) => monitorRun(values, positionals, ctx),
  },
  {
    words: ['scale'],
    usage:
      'raydeck scale CLUSTER APP DEPLOYMENT (--replicas N | --min N --max N [--target N]) [--wait] [--auto-rollback S] [--json]',
    summary:
      "Scales a deployment through the safe apply (diff, history, follow); prints the fit preview's warnings first.",
    details: [
      '  --replicas N             a fixed number of replicas (drops autoscaling_config)',
      '  --min N --max N          autoscaling bounds; --target N sets target_ongoing_requests',
      "  --wait                   follow until RUNNING (exit 0) or failed (exit 1); pending replicas show with Ray's reason",
      '  --auto-rollback SECONDS  roll back when not RUNNING in time (implies --wait)',
    ],
    options: {
      replicas: { type: 'string' },
      min: { type: 'string' },
      max: { type: 'string' },
      target: { type: 'string' },
      wait: { type: 'boolean' },
      'auto-rollback': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'APP', required: true },
      { name: 'DEPLOYMENT', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const replicas = intOpt(values, 'replicas');
      const min = intOpt(values, 'min');
      const max = intOpt(values, 'max');
      const target = values.target === undefined ? undefined : Number(values.target);
      if (target !== undefined && !(target > 0))
        throw new UsageError(`--target wants a positive number, got "${String(values.target)}"`);
      if ((replicas === undefined) === (min === undefined && max === undefined))
        throw new UsageError('give either --replicas N or --min N --max N');
      if (replicas === undefined && (min === undefined || max === undefined))
        throw new UsageError('--min and --max go together');
      if (replicas !== undefined && target !== undefined)
        throw new UsageError('--target goes with --min/--max (autoscaling)');
      const change =
        replicas !== undefined
          ? { replicas }
          : { min: min!, max: max!, ...(target !== undefined ? { target } : {}) };
      const autoRollbackS = positiveSeconds(values['auto-rollback']);
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const input = {
        clusterId: cluster.id,
        app: positionals[1]!,
        deployment: positionals[2]!,
        change,
      };
      const preview = await client.call('serve.scalePreview', input);
      if (values.json !== true) {
        for (const p of preview.fit.placements)
          ctx.io.out(
            p.pending
              ? `new replica ${p.replica}: stays pending — ${p.reason}`
              : `new replica ${p.replica}: ${p.nodeIp ?? p.nodeId ?? '?'}${p.gpus ? ` (${p.gpus} GPU)` : ''}`,
          );
        for (const w of preview.warnings) ctx.io.out(`warning: ${w}`);
      }
      const wait = values.wait === true || autoRollbackS !== null;
      return applyAndFollow(ctx, cluster.id, values.json === true, wait, () =>
        client.call('serve.scale', { ...input, wait, autoRollbackS }),
      );
    },
  },
];
