/**
 * `raydeck serve diff|apply|status|history|rollback|export-kuberay`: Ray Serve on a cluster, a
 * thin layer over the serve.* methods (the core talks to Ray through the head's SSH tunnel).
 * apply and rollback print the diff first — the applications the PUT deletes on top, in capitals
 * — then, with --wait, follow the apply with Ray's own messages and replica counts until every
 * application is RUNNING (exit 0) or one fails or the deadline passes (exit 1, Ray's reason in
 * the `raydeck:` line). Ctrl+C stops following (exit 130); Ray goes on with what it was given.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  RaydeckError,
  describeDiff,
  formatConfigPath,
  formatReplicaCounts,
  versionLabel,
  type MethodOutput,
  type OperationLogLine,
  type ServeHistoryEntry,
  type ServeInstance,
} from '../../../shared';
import { exportRayServiceManifest } from '../../serve/kuberay';
import { UsageError, type CliCommand, type CliContext } from '../cli-types';
import { EXIT_INTERRUPTED } from '../finish';
import { oneLine, printResult, table } from '../output';
import { cancelOperation, waitForOperation } from '../wait';
import { findClusterByName } from './node';

const FOLLOW_LIMIT_MS = 2 * 3600_000;

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** A refused config: each error on its own line (stdout), then main's one `raydeck:` line. */
async function showingRefusal<T>(ctx: CliContext, file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RaydeckError && err.code === 'validation' && err.issues)
      for (const i of err.issues) ctx.io.out(`${file}: ${i.path}: ${i.message}`);
    throw err;
  }
}

type Started = MethodOutput<'serve.apply'>;

/**
 * Starts an apply (or rollback) and follows its operation to the end: for people, the
 * operation's log live from its first line (the diff, deletions on top, then Ray's messages and
 * replica counts); with --json one document at the end. Ctrl+C stops following (Ray goes on).
 */
export async function applyAndFollow(
  ctx: CliContext,
  clusterId: string,
  json: boolean,
  wait: boolean,
  start: () => Promise<Started>,
): Promise<number> {
  const client = ctx.client();
  // Subscribed before the call: the operation logs its diff before the call returns.
  const early: OperationLogLine[] = [];
  let id: string | null = null;
  // One line held back: the operation's last log line is its error, which the raydeck: line repeats.
  let held: string | null = null;
  const show = (line: string) => {
    if (held !== null) ctx.io.out(held);
    held = line;
  };
  const off = json
    ? () => {}
    : client.subscribe('operation.log', (l) =>
        id === null ? early.push(l) : l.operationId === id && show(l.line),
      );
  let started: Started;
  let ended;
  try {
    started = await start();
    id = started.operationId;
    for (const l of early) if (l.operationId === id) show(l.line);
    ended = await waitForOperation(client, started.operationId, {
      stopped: ctx.stopped,
      timeoutMs: FOLLOW_LIMIT_MS,
    });
  } finally {
    off();
  }
  const operation =
    ended === 'stopped' ? await cancelOperation(client, started.operationId) : ended;
  if (held !== null && held !== operation.error) ctx.io.out(held);
  if (json) {
    const entry = await client
      .call('serve.get', { clusterId, version: started.version })
      .then((g) => g.entry);
    ctx.io.out(JSON.stringify({ ...started, operation, entry }, null, 2));
  }
  if (ended === 'stopped') {
    ctx.io.err(
      `raydeck: interrupted; stopped following ${versionLabel(started)} (Ray goes on with what it was given: raydeck serve status)`,
    );
    return EXIT_INTERRUPTED;
  }
  if (operation.state === 'succeeded') {
    if (!json)
      ctx.io.out(
        wait
          ? `${versionLabel(started)} is RUNNING.`
          : `${versionLabel(started)} sent; Ray deploys it in the background (raydeck serve status to see it).`,
      );
    return 0;
  }
  ctx.io.err(`raydeck: ${oneLine(operation.error ?? `${operation.title} ${operation.state}`)}`);
  return 1;
}

function statusLines(name: string, s: ServeInstance): string[] {
  if (!s.serveRunning) return [`${name}: Serve is not running (no applications).`];
  const lines = [
    `${name}: ${s.applications.length} application${s.applications.length === 1 ? '' : 's'} · proxies: ${s.proxies.map((p) => `${p.nodeIp ?? p.nodeId.slice(0, 8)} ${p.status}`).join(', ') || 'none'}`,
  ];
  for (const app of s.applications) {
    lines.push(
      `${app.name}  ${app.status}  ${app.routePrefix ?? '(no route)'}${app.message ? `  — ${app.message}` : ''}`,
    );
    lines.push(
      ...table(
        ['  DEPLOYMENT', 'STATUS', 'REPLICAS', 'MESSAGE'],
        app.deployments.map((d) => [
          `  ${d.name}`,
          d.status,
          formatReplicaCounts(d.counts),
          d.pendingReason ? `pending because: ${d.pendingReason}` : d.message,
        ]),
      ),
    );
  }
  return lines;
}

/** The gist of a result: what Raydeck did (rolled back to vN), and the last line of Ray's last message (a traceback's exception). */
function resultNote(e: ServeHistoryEntry): string {
  const m = e.result.messages;
  if (m.length === 0) return '';
  const rayLast = (text: string | undefined) => text?.trim().split('\n').at(-1) ?? '';
  const note =
    e.result.state === 'rolled-back' ? `${m.at(-1)}: ${rayLast(m.at(-2))}` : rayLast(m.at(-1));
  return note.length > 100 ? `${note.slice(0, 97)}...` : note;
}

function historyLines(entries: ServeHistoryEntry[]): string[] {
  if (entries.length === 0) return ['No Serve config applied to this cluster from Raydeck yet.'];
  return table(
    ['VERSION', 'APPLIED', 'BY', 'RESULT', 'APPLICATIONS', 'NOTE'],
    entries.map((e) => [
      versionLabel(e),
      e.appliedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      `${e.by.user} (${e.by.via})`,
      e.result.state,
      e.applications.join(', ') || '(none)',
      [e.deletes.length ? `deleted ${e.deletes.join(', ')}` : '', resultNote(e)]
        .filter(Boolean)
        .join('; '),
    ]),
  );
}

export function positiveSeconds(value: string | boolean | undefined): number | null {
  if (typeof value !== 'string') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--auto-rollback wants a number of seconds, got "${value}"`);
  return n;
}

/** A Kubernetes object name from anything (lowercase letters, digits, '-'). */
const k8sName = (s: string) =>
  s
    .toLowerCase()
    .replace(/\.ya?ml$/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'raydeck-serve';

export const serveClusterCommands: CliCommand[] = [
  {
    words: ['serve', 'diff'],
    usage: 'raydeck serve diff CLUSTER FILE [--json]',
    summary:
      'What applying FILE would change, per application and deployment; names the applications it would DELETE.',
    details: [
      "Ray's PUT is declarative: applications running on the cluster that FILE leaves out are deleted. Exit 1 when FILE has validation errors (nothing is read from Ray then).",
    ],
    options: { json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'FILE', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const file = positionals[1]!;
      const text = await readText(file);
      const result = await showingRefusal(ctx, file, () =>
        client.call('serve.diff', { clusterId: cluster.id, text }),
      );
      printResult(ctx.io, values.json === true, result, () => [
        ...result.diagnostics.map(
          (d) => `warning [${d.code}] ${formatConfigPath(d.path)}: ${d.message}`,
        ),
        ...describeDiff(result.diff),
      ]);
      return 0;
    },
  },
  {
    words: ['serve', 'apply'],
    usage: 'raydeck serve apply CLUSTER FILE [--wait] [--auto-rollback SECONDS] [--json]',
    summary:
      'Validate, diff, record and apply a Serve config; --wait follows it until RUNNING or failed.',
    details: [
      'A config with errors is refused before anything reaches Ray. The diff is printed first (deletions on top).',
      "Every apply is recorded in the cluster's history (raydeck serve history) with who, when and the result.",
      '  --wait                   follow until every application is RUNNING (exit 0) or one is DEPLOY_FAILED/UNHEALTHY (exit 1)',
      '  --auto-rollback SECONDS  if not RUNNING within SECONDS, apply the last version that ran again (implies --wait; exit 1)',
      '  --json                   one JSON document: the diff, the version, the operation and the history entry',
      'Without --wait the command ends once Ray took the config (recorded as "submitted").',
    ],
    options: {
      wait: { type: 'boolean' },
      'auto-rollback': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'FILE', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const autoRollbackS = positiveSeconds(values['auto-rollback']);
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const file = positionals[1]!;
      const text = await readText(file);
      const wait = values.wait === true || autoRollbackS !== null;
      return applyAndFollow(ctx, cluster.id, values.json === true, wait, () =>
        showingRefusal(ctx, file, () =>
          client.call('serve.apply', { clusterId: cluster.id, text, wait, autoRollbackS }),
        ),
      );
    },
  },
  {
    words: ['serve', 'status'],
    usage: 'raydeck serve status CLUSTER [--json]',
    summary:
      "Applications, deployments and replicas as Ray reports them: desired vs running vs starting vs pending, and Ray's reasons.",
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const status = await client.call('serve.status', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, status, () => statusLines(cluster.name, status));
      return 0;
    },
  },
  {
    words: ['serve', 'history'],
    usage: 'raydeck serve history CLUSTER [--json]',
    summary:
      'The Serve configs applied to the cluster from Raydeck (app and CLI), newest first, with their results.',
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const entries = await client.call('serve.history', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, entries, () => historyLines(entries));
      return 0;
    },
  },
  {
    words: ['serve', 'rollback'],
    usage: 'raydeck serve rollback CLUSTER [VERSION] [--wait] [--json]',
    summary:
      'Apply an earlier version again, byte for byte (default: the last version that ran before the newest).',
    details: [
      'Recorded as a new version that says "rollback of vN". --wait follows it like serve apply --wait.',
    ],
    options: { wait: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'VERSION', required: false },
    ],
    async run({ values, positionals }, ctx) {
      const raw = positionals[1];
      const version = raw === undefined ? undefined : Number(raw.replace(/^v/, ''));
      if (version !== undefined && (!Number.isInteger(version) || version < 1))
        throw new UsageError(`VERSION is a history version like 3 or v3, got "${raw}"`);
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const wait = values.wait === true;
      return applyAndFollow(ctx, cluster.id, values.json === true, wait, () =>
        client.call('serve.rollback', {
          clusterId: cluster.id,
          wait,
          ...(version ? { version } : {}),
        }),
      );
    },
  },
  {
    words: ['serve', 'export-kuberay'],
    usage: 'raydeck serve export-kuberay CLUSTER|FILE [--name NAME] [--namespace NS]',
    summary:
      'A KubeRay RayService manifest (stdout) whose serveConfigV2 is the config as written (comments kept).',
    details: [
      'FILE: that Serve config. CLUSTER: the newest version of its history that ran (or, with no history, the configs Ray holds).',
      'Size the worker groups of the manifest before using it.',
    ],
    options: { name: { type: 'string' }, namespace: { type: 'string' } },
    positionals: [{ name: 'CLUSTER|FILE', required: true }],
    async run({ values, positionals }, ctx) {
      const what = positionals[0]!;
      const isFile = await fs
        .stat(what)
        .then((s) => s.isFile())
        .catch(() => false);
      let text: string;
      let name: string;
      if (isFile) {
        text = await readText(what);
        name = path.basename(what);
      } else {
        const client = ctx.client();
        const cluster = await findClusterByName(client, what).catch(() => {
          throw new RaydeckError({
            code: 'not_found',
            message: `"${what}" is neither a file nor a cluster`,
          });
        });
        name = cluster.name;
        const entries = await client.call('serve.history', { clusterId: cluster.id });
        const newest =
          entries.find((e) => e.result.state === 'running') ??
          entries.find((e) => e.result.state === 'submitted');
        if (newest)
          text = (
            await client.call('serve.get', { clusterId: cluster.id, version: newest.version })
          ).text;
        else {
          const live = await client.call('serve.status', { clusterId: cluster.id });
          const apps = live.applications.flatMap((a) =>
            a.deployedConfig ? [a.deployedConfig] : [],
          );
          if (apps.length === 0)
            throw new RaydeckError({
              code: 'not_found',
              message: `${cluster.name} has no Serve config to export: none applied from Raydeck, none deployed declaratively`,
            });
          text = stringify({ applications: apps });
        }
      }
      const validation = await ctx.client().call('serve.validate', { text });
      if (validation.format === 'rayservice')
        throw new RaydeckError({
          code: 'validation',
          message: `${what} is already a RayService manifest`,
        });
      for (const d of validation.diagnostics.filter((x) => x.severity === 'error'))
        ctx.io.err(
          `raydeck: warning: the config has an error: ${formatConfigPath(d.path)}: ${d.message}`,
        );
      const manifest = exportRayServiceManifest(text, {
        name: k8sName(typeof values.name === 'string' ? values.name : name),
        ...(typeof values.namespace === 'string' ? { namespace: values.namespace } : {}),
      });
      ctx.io.out(manifest.replace(/\n$/, ''));
      return 0;
    },
  },
];
