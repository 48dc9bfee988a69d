/**
 * Drives one execution of a run across its nodes: every node runs its steps in parallel with
 * the others, workers wait for the head's start to be under way (its token known) and join
 * while it starts, a head that fails fails the joins at once, and the head's verify runs once
 * every worker has settled. One node failing never stops the others; a failed or cancelled step
 * stays so until a retry resets it. Each step's state goes to the run (through `update`); what
 * a step does is the StepRunner's (step-dispatch.ts).
 */
import type { BringUpRun, StepKind } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection } from '../ssh/types';
import { type Execution, type HeadInfo, headOf, nodeOf } from './execution';
import { RAY_PORTS } from '../../shared';
import { StepError } from './node-steps';
import { JobCancelled, readNodeToken } from './remote-job';
import { cancelPending, findStep, outcome, patchStep } from './run-state';
import type { StepRunner } from './step-dispatch';

export interface CoordinatorDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  now: () => Date;
  runStep: StepRunner;
  /** The run as it is now (it exists while it executes). */
  run(runId: string): BringUpRun;
  update(runId: string, change: (run: BringUpRun) => BringUpRun): void;
  log(runId: string, nodeId: string, step: StepKind, line: string): void;
  indexUrl(runId: string): string | undefined;
}

/** Runs every node of the run to its end, then records the run's outcome. */
export async function runExecution(
  deps: CoordinatorDeps,
  runId: string,
  exec: Execution,
): Promise<void> {
  const run = deps.run(runId);
  const workers = run.nodes.filter((n) => n.role === 'worker');
  const workerTasks = workers.map((w) => runNode(deps, runId, w.nodeId, exec));
  exec.workersDone = Promise.allSettled(workerTasks);
  await Promise.allSettled([runNode(deps, runId, headOf(run).nodeId, exec), ...workerTasks]);
  exec.settleHead(null);
  const at = deps.now().toISOString();
  deps.update(runId, (r) => {
    const stopped = exec.abort.signal.aborted ? cancelPending(r, at) : r;
    return {
      ...stopped,
      state: exec.abort.signal.aborted ? 'cancelled' : outcome(stopped),
      endedAt: at,
    };
  });
}

async function runNode(
  deps: CoordinatorDeps,
  runId: string,
  nodeId: string,
  exec: Execution,
): Promise<void> {
  const signal = exec.abort.signal;
  const isHead = nodeOf(deps.run(runId), nodeId).role === 'head';
  const patch = (kind: StepKind, p: Parameters<typeof patchStep>[3]) =>
    deps.update(runId, (r) => patchStep(r, nodeId, kind, p));
  let conn: NodeConnection | null = null;
  try {
    for (const kind of nodeOf(deps.run(runId), nodeId).steps.map((s) => s.kind)) {
      const current = findStep(deps.run(runId), nodeId, kind);
      if (!current || current.state === 'done' || current.state === 'skipped') {
        if (kind === 'start-head') exec.settleHead(await headInfo(deps, runId));
        continue;
      }
      // A failed or cancelled step stays so until a retry of its node resets it.
      if (current.state === 'failed' || current.state === 'cancelled') return;
      if (signal.aborted) return;
      // Workers join once the head's start is under way; the head verifies once every worker settled.
      let head: HeadInfo | null = null;
      if (kind === 'join') {
        patch(kind, { detail: 'Waiting for the head to start' });
        const run = deps.run(runId);
        head = await (findStep(run, headOf(run).nodeId, 'start-head')
          ? exec.launch
          : headInfo(deps, runId));
        if (!head) {
          if (signal.aborted) return;
          const at = deps.now().toISOString();
          patch(kind, {
            state: 'failed',
            startedAt: at,
            endedAt: at,
            detail: '',
            error: 'The head did not start, so there is nothing to join.',
            hint: 'Fix the head node first (see its failed step), then retry the run.',
          });
          return;
        }
      }
      const started = Date.now();
      patch(kind, {
        state: 'running',
        progress: null,
        detail: 'Connecting',
        startedAt: deps.now().toISOString(),
        endedAt: null,
        error: null,
        hint: null,
      });
      try {
        conn ??= await deps.access.lease(nodeId);
        const node = await deps.nodes.get(nodeId);
        const log = (line: string) => deps.log(runId, nodeId, kind, line);
        const summary = await deps.runStep({
          runId,
          nodeId,
          kind,
          node,
          conn,
          exec,
          headInfo: head,
          run: () => deps.run(runId),
          update: (change) => deps.update(runId, change),
          indexUrl: deps.indexUrl(runId),
          env: {
            conn,
            node,
            runId,
            signal,
            log,
            progress: (fraction, detail) => patch(kind, { progress: fraction, detail }),
          },
        });
        patch(kind, {
          state: 'done',
          progress: 1,
          detail: summary,
          endedAt: deps.now().toISOString(),
        });
        log(`[raydeck] ${kind} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (err) {
        const cancelled = err instanceof JobCancelled || signal.aborted;
        const message = err instanceof Error ? err.message : String(err);
        const hint =
          err instanceof StepError
            ? err.hint
            : cancelled
              ? null
              : 'Check that the node is reachable (Nodes page), then retry this node.';
        deps.log(
          runId,
          nodeId,
          kind,
          cancelled ? '[raydeck] cancelled' : `[raydeck] failed: ${message}`,
        );
        patch(kind, {
          state: cancelled ? 'cancelled' : 'failed',
          endedAt: deps.now().toISOString(),
          error: cancelled ? null : message,
          hint,
        });
        if (kind === 'start-head' || (kind !== 'verify' && isHead)) exec.settleHead(null);
        return;
      }
    }
  } finally {
    conn?.release();
    if (isHead) exec.settleHead(null);
  }
}

/** The head's address and token when its start-head ran earlier (a retry, or a partial plan). */
async function headInfo(deps: CoordinatorDeps, runId: string): Promise<HeadInfo | null> {
  const head = headOf(deps.run(runId));
  let conn: NodeConnection | null = null;
  try {
    conn = await deps.access.lease(head.nodeId);
    const token = await readNodeToken(conn);
    return token ? { address: `${head.host}:${RAY_PORTS.gcs}`, token } : null;
  } catch {
    return null;
  } finally {
    conn?.release();
  }
}
