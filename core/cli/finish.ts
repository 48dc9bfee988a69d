/**
 * How a command that started long work ends: it follows the operation or bring-up run, prints
 * progress (people) or the final record (--json), and maps the outcome to the exit code — 0
 * succeeded, 1 failed or cancelled (one `raydeck: reason` line), 130 when Ctrl+C cancelled it.
 */
import type { BringUpRun, Operation } from '../../shared';
import type { CliContext } from './cli-types';
import { cancelRun, followRun, outcome, planLines } from './bringup-follow';
import { capLine } from '../../shared';
import { MAX_CLI_LINE, oneLine } from './output';
import { cancelOperation, waitForOperation } from './wait';

export const EXIT_INTERRUPTED = 130;

export interface FinishOperationOptions {
  json: boolean;
  timeoutMs: number;
  /** The line printed when it succeeded. */
  done: string;
  /** Print each new progress detail (people only). */
  showProgress?: boolean;
}

/** Follows operation `id` to its end; see the file comment for output and exit codes. */
export async function finishOperation(
  ctx: CliContext,
  id: string,
  opts: FinishOperationOptions,
): Promise<number> {
  const client = ctx.client();
  let lastDetail = '';
  const ended = await waitForOperation(client, id, {
    stopped: ctx.stopped,
    timeoutMs: opts.timeoutMs,
    onChange: (op) => {
      if (
        opts.json ||
        !opts.showProgress ||
        op.state !== 'running' ||
        op.detail === lastDetail ||
        op.detail === 'Starting'
      )
        return;
      lastDetail = op.detail;
      ctx.io.out(`  ${op.detail}`);
    },
  });
  if (ended === 'stopped') {
    const op = await cancelOperation(client, id);
    if (opts.json) ctx.io.out(JSON.stringify(op, null, 2));
    ctx.io.err(
      `raydeck: interrupted; "${op.title}" ${op.state === 'cancelled' ? 'was cancelled' : `ended ${op.state}`}`,
    );
    return EXIT_INTERRUPTED;
  }
  if (opts.json) ctx.io.out(JSON.stringify(ended, null, 2));
  if (ended.state === 'succeeded') {
    if (!opts.json) ctx.io.out(opts.done);
    return 0;
  }
  if (!opts.json) await printLogTail(ctx, ended);
  ctx.io.err(
    `raydeck: ${ended.title} ${ended.state === 'cancelled' ? 'was cancelled' : `failed: ${oneLine(ended.error ?? 'no reason given')}`}`,
  );
  return 1;
}

async function printLogTail(ctx: CliContext, op: Operation): Promise<void> {
  const lines = await ctx
    .client()
    .call('operations.logs', { id: op.id, tail: 10 })
    .catch(() => []);
  const shown = lines.filter((l) => l.line !== op.error);
  if (shown.length === 0) return;
  ctx.io.out(`Last lines of its log:`);
  for (const l of shown) ctx.io.out(`  ${capLine(l.line, MAX_CLI_LINE)}`);
}

/** Follows a bring-up run (from bringup.start or cluster.start) to its end. */
export async function finishRun(
  ctx: CliContext,
  clusterName: string,
  run: BringUpRun,
  json: boolean,
): Promise<number> {
  const client = ctx.client();
  const say = (line: string) => {
    if (!json) ctx.io.out(line);
  };
  planLines(run, clusterName).forEach(say);
  const followed = await followRun(client, run, { stopped: ctx.stopped, onLine: say });
  if (followed.stoppedBy) {
    say(
      followed.stoppedBy === 'user'
        ? 'Interrupted: cancelling the bring-up (steps in progress are stopped on their nodes)'
        : 'Gave up waiting: cancelling the bring-up',
    );
    const cancelled = await cancelRun(client, run.id, say);
    if (json) ctx.io.out(JSON.stringify(cancelled, null, 2));
    const what = cancelled.state === 'cancelled' ? 'was cancelled' : `is ${cancelled.state}`;
    ctx.io.err(
      `raydeck: ${followed.stoppedBy === 'user' ? 'interrupted' : 'gave up waiting'}; the bring-up of ${clusterName} ${what}`,
    );
    return followed.stoppedBy === 'user' ? EXIT_INTERRUPTED : 1;
  }
  const result = outcome(followed.run, clusterName);
  if (json) ctx.io.out(JSON.stringify(followed.run, null, 2));
  else result.lines.forEach(say);
  if (result.reason) {
    ctx.io.err(`raydeck: ${oneLine(result.reason)}`);
    return 1;
  }
  return 0;
}
