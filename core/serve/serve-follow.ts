/**
 * Following an apply to its end, bounded: polls Ray's Serve status until every application of
 * the applied config is RUNNING, or one is DEPLOY_FAILED / UNHEALTHY, or time runs out. A verdict
 * counts only once Ray reports it on `settlePolls` polls in a row: right after a PUT the
 * controller may still show the previous version's status for a control-loop tick. Each change
 * of an application or deployment is logged once, in Ray's own words, with replica counts
 * (desired vs running vs starting vs pending, and why pending when Ray says).
 */
import {
  formatReplicaCounts,
  rayMessages,
  serveVerdict,
  type ServeApplication,
  type ServeInstance,
} from '../../shared';
import type { ServeApi } from '../ray/serve-api';

export interface FollowOptions {
  /** The applications of the applied config. */
  names: string[];
  /** Applications the PUT deletes: followed until Ray no longer lists them. */
  deleted?: string[];
  timeoutMs: number;
  pollMs: number;
  settlePolls: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  progress?: (fraction: number, detail: string) => void;
}

export type FollowOutcome =
  | { kind: 'running'; instance: ServeInstance }
  | { kind: 'failed'; messages: string[]; instance: ServeInstance }
  | { kind: 'timed-out'; messages: string[]; instance: ServeInstance | null }
  | { kind: 'cancelled' };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** One line per deployment: `LLMServer:m HEALTHY 1/1 running` (+ Ray's message / why pending). */
export function deploymentLines(app: ServeApplication): string[] {
  return app.deployments.map((d) => {
    const why = d.pendingReason
      ? ` — pending because: ${d.pendingReason}`
      : d.message
        ? ` — ${d.message}`
        : '';
    return `${app.name}/${d.name}: ${d.status}, ${formatReplicaCounts(d.counts)}${why}`;
  });
}

/** What is still missing, in Ray's words where Ray has some. */
function waitingMessages(instance: ServeInstance, names: string[]): string[] {
  return names.flatMap((n) => {
    const app = instance.applications.find((a) => a.name === n);
    if (!app) return [`${n}: not reported by Ray yet`];
    const short = app.deployments
      .filter((d) => d.counts.running < d.counts.desired)
      .map((d) => `${n}/${d.name}: ${formatReplicaCounts(d.counts)}`);
    return [`${n}: ${app.status}`, ...short, ...rayMessages(app)];
  });
}

export async function followApply(api: ServeApi, opts: FollowOptions): Promise<FollowOutcome> {
  const deadline = Date.now() + opts.timeoutMs;
  const said = new Map<string, string>();
  let last: ServeInstance | null = null;
  let streak: { kind: string; count: number } = { kind: '', count: 0 };
  const say = (key: string, line: string) => {
    if (said.get(key) === line) return;
    said.set(key, line);
    opts.log?.(line);
  };
  for (;;) {
    if (opts.signal?.aborted) return { kind: 'cancelled' };
    try {
      last = await api.applications();
    } catch (err) {
      say(
        'error',
        `Reading Serve status failed (will retry): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (last) {
      for (const n of opts.names) {
        const app = last.applications.find((a) => a.name === n);
        if (!app) continue;
        say(`app:${n}`, `${n}: ${app.status}${app.message ? ` — ${app.message}` : ''}`);
        // Keyed by deployment name (names such as LLMServer:model carry colons themselves).
        deploymentLines(app).forEach((line, i) =>
          say(`dep:${n}:${app.deployments[i]!.name}`, `  ${line}`),
        );
      }
      const verdict = serveVerdict(last, opts.names, opts.deleted ?? []);
      streak =
        verdict.kind === streak.kind
          ? { kind: verdict.kind, count: streak.count + 1 }
          : { kind: verdict.kind, count: 1 };
      const runningApps = opts.names.filter(
        (n) => last?.applications.find((a) => a.name === n)?.status === 'RUNNING',
      ).length;
      opts.progress?.(
        runningApps / Math.max(1, opts.names.length),
        verdict.kind === 'progressing'
          ? `Waiting for ${verdict.waitingFor.join(', ')}`
          : verdict.kind === 'running'
            ? 'Every application RUNNING'
            : `${verdict.failed.map((a) => `${a.name} ${a.status}`).join(', ')}`,
      );
      if (streak.count >= opts.settlePolls) {
        if (verdict.kind === 'running') return { kind: 'running', instance: last };
        if (verdict.kind === 'failed')
          return {
            kind: 'failed',
            messages: verdict.failed.flatMap((a) => [`${a.name}: ${a.status}`, ...rayMessages(a)]),
            instance: last,
          };
      }
    }
    if (Date.now() >= deadline) {
      return {
        kind: 'timed-out',
        messages: last
          ? waitingMessages(last, opts.names)
          : ['Ray never answered with the Serve status'],
        instance: last,
      };
    }
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())), opts.signal);
  }
}
