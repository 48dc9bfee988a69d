/**
 * Safe apply of a Serve config to a cluster, one `ServeApplier` per core. An apply:
 *  1. validates the text with the Serve validator (errors refuse it before anything reaches Ray;
 *     warnings are kept and logged), with the cluster's GPU count when the head tells it;
 *  2. reads what Ray runs and diffs the config against it (the PUT deletes what the config
 *     leaves out: the diff names those);
 *  3. records the exact text in the cluster's history as the next version ("applying");
 *  4. as an Operation: PUTs it through the head's SSH tunnel, follows (bounded) until every
 *     application is RUNNING or one fails, with Ray's messages and replica counts in the log,
 *     and records the result; optionally, when the version is not healthy within a deadline,
 *     applies the last version that ran again (a new version that says "rollback of vN").
 * A rollback is an apply of a history version's text, byte for byte. One apply per cluster at
 * a time in this process.
 */
import os from 'node:os';
import {
  RaydeckError,
  describeDiff,
  diffServeConfig,
  findRedacted,
  formatConfigPath,
  parseYaml,
  REDACTED,
  redactDiff,
  redactInstance,
  versionLabel,
  type ServeConfigDiff,
  type ServeDiagnostic,
  type ServeHistoryEntry,
  type ServeInstance,
} from '../../shared';
import type { OperationContext, OperationRegistry } from '../operations/operation-registry';
import { DashboardError } from '../ray/dashboard-client';
import { ServeConfigRefused, type ServeApi } from '../ray/serve-api';
import { validateServeText, type FileValidation } from './serve-file';
import { followApply, type FollowOutcome } from './serve-follow';
import { ServeHistory } from './serve-history';

/** A cluster's Serve API for the time of one task; `release()` gives the head connection back. */
export interface ServeConnection {
  api: ServeApi;
  /** GPUs Ray registered on the cluster (for the validator's warnings); null when unknown. */
  gpus?: () => Promise<number | null>;
  release(): void;
}
export type ServeConnector = (clusterId: string) => Promise<ServeConnection>;

export interface ServeTiming {
  /** Between two status reads while following. */
  pollMs: number;
  /** Polls in a row a verdict must hold (the controller may show the old status for a tick). */
  settlePolls: number;
  /** How long to follow an apply without auto-rollback (vLLM replicas take minutes). */
  followTimeoutMs: number;
}
export const DEFAULT_SERVE_TIMING: ServeTiming = {
  pollMs: 1000,
  settlePolls: 2,
  followTimeoutMs: 20 * 60_000,
};

export interface ServeApplierDeps {
  operations: OperationRegistry;
  /** statePaths(home).history */
  historyRoot: string;
  connect: ServeConnector;
  /** Where this core runs: the history says who applied from where. */
  via: 'app' | 'cli';
  user?: string;
  timing?: Partial<ServeTiming>;
  /**
   * Work on the nodes a config needs before Ray gets it, inside the apply's operation (the
   * pipeline app builder for `raydeck_serve.` import paths: core/pipeline/app-builder-install.ts).
   * A failure fails the apply before the PUT, with its message in the history.
   */
  beforePut?(clusterId: string, body: unknown, op: OperationContext): Promise<void>;
}

export interface ApplyOptions {
  /** Follow until RUNNING or failed (default true); false ends once Ray took the config. */
  wait?: boolean;
  /** Roll back to the last version that ran when not RUNNING within this many seconds. */
  autoRollbackS?: number | null;
  /**
   * The applications the caller showed as deleted (from serve.diff): when what the PUT would
   * delete now differs (Ray changed since the diff), the apply is refused and nothing is sent.
   */
  expectDeletes?: string[];
}

export interface ApplyStarted {
  operationId: string;
  /** The history version this apply recorded. */
  version: number;
  rollbackOf: number | null;
  diff: ServeConfigDiff;
  /** The validator's warnings (errors refuse the apply). */
  warnings: ServeDiagnostic[];
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** Refuses text that is not a valid Serve config, naming line and field of each error. */
export function refuseInvalid(validation: FileValidation): void {
  if (validation.format === 'rayservice') {
    throw new RaydeckError({
      code: 'validation',
      message:
        'This is a KubeRay RayService manifest; apply takes a Serve config (the text of its serveConfigV2).',
    });
  }
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const where = (d: ServeDiagnostic) =>
    `${d.line ? `line ${d.line}: ` : ''}${formatConfigPath(d.path)}`;
  throw new RaydeckError({
    code: 'validation',
    message: `The Serve config is not valid (${errors.length} error${errors.length === 1 ? '' : 's'}): ${where(errors[0]!)}: ${errors[0]!.message}. Nothing was sent to Ray.`,
    issues: errors.map((d) => ({
      path: where(d),
      message: `${d.message}${d.fix ? ` — ${d.fix}` : ''}`,
    })),
  });
}

function unreachable(err: unknown): unknown {
  if (err instanceof RaydeckError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RaydeckError({
    code: 'conflict',
    message: `Cannot reach Ray Serve on this cluster: ${message}`,
  });
}

/**
 * Refuses a config that still holds "<redacted>" as an env var: its text was started from the
 * live config Raydeck showed (secrets hidden); applying it would give Ray the placeholder.
 */
export function refuseRedacted(body: unknown): void {
  const found = findRedacted(body);
  if (found.length === 0) return;
  const where = found.map(formatConfigPath);
  throw new RaydeckError({
    code: 'validation',
    message: `${where[0]} is "${REDACTED}": Raydeck hides env_vars values when it shows Ray's config; write the real value${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}. Nothing was sent to Ray.`,
    issues: where.map((path) => ({ path, message: `still "${REDACTED}": write the real value` })),
  });
}

const appNames = (body: unknown): string[] => {
  const apps = (body as { applications?: unknown[] } | null)?.applications ?? [];
  return apps.map((a) =>
    (a as { name?: unknown }).name === undefined
      ? 'default'
      : String((a as { name?: unknown }).name),
  );
};

interface Prepared {
  history: ServeHistory;
  entry: ServeHistoryEntry;
  body: unknown;
  /** Secrets redacted: it is shown (log, CLI, UI). */
  diff: ServeConfigDiff;
  warnings: ServeDiagnostic[];
}

export class ServeApplier {
  private readonly timing: ServeTiming;
  private readonly busy = new Map<string, string>();
  private readonly by: ServeHistoryEntry['by'];

  constructor(private readonly deps: ServeApplierDeps) {
    this.timing = { ...DEFAULT_SERVE_TIMING, ...deps.timing };
    this.by = { user: deps.user ?? osUser(), via: deps.via };
  }

  history(clusterId: string): ServeHistory {
    return new ServeHistory(this.deps.historyRoot, clusterId);
  }

  validate(text: string, gpus?: number | null): FileValidation {
    return validateServeText(
      text,
      'serve config',
      gpus === undefined || gpus === null ? {} : { cluster: { gpus } },
    );
  }

  /** What Ray runs, with runtime_env secrets redacted (what leaves the core). */
  async status(clusterId: string): Promise<ServeInstance> {
    return redactInstance(await this.withConnection(clusterId, (conn) => conn.api.applications()));
  }

  /** The diff of `text` against what Ray runs, and the validator's findings (with the cluster's GPUs). */
  async diff(
    clusterId: string,
    text: string,
  ): Promise<{ diff: ServeConfigDiff; diagnostics: ServeDiagnostic[] }> {
    return this.withConnection(clusterId, async (conn) => {
      const validation = this.validate(text, await conn.gpus?.().catch(() => null));
      refuseInvalid(validation);
      refuseRedacted(parseYaml(text).value);
      return {
        diff: redactDiff(diffServeConfig(parseYaml(text).value, await conn.api.applications())),
        diagnostics: validation.diagnostics,
      };
    });
  }

  async apply(clusterId: string, text: string, opts: ApplyOptions = {}): Promise<ApplyStarted> {
    return this.start(clusterId, text, null, opts);
  }

  /** Applies history version `version` again (default: the last version that ran before the newest). */
  async rollback(
    clusterId: string,
    version?: number,
    opts: Omit<ApplyOptions, 'autoRollbackS'> = {},
  ): Promise<ApplyStarted> {
    const history = this.history(clusterId);
    const target = version ?? (await this.previousGood(history))?.version;
    if (target === undefined)
      throw new RaydeckError({
        code: 'conflict',
        message:
          'Nothing to roll back to: no earlier Serve config of this cluster reached RUNNING. Give a version (raydeck serve history).',
      });
    const text = await history.text(target);
    return this.start(clusterId, text, target, { wait: opts.wait ?? true, autoRollbackS: null });
  }

  /** The newest version that ran, older than `before` (default: older than the newest entry). */
  private async previousGood(
    history: ServeHistory,
    before?: number,
  ): Promise<ServeHistoryEntry | undefined> {
    const entries = await history.list();
    const limit = before ?? entries[0]?.version ?? 0;
    return entries.find((e) => e.version < limit && e.result.state === 'running');
  }

  /**
   * Runs `fn` with the cluster's Serve API. An unreachable head or dashboard is the cluster's
   * state, not a Raydeck bug: it comes back as a typed error saying so.
   */
  private async withConnection<T>(
    clusterId: string,
    fn: (conn: ServeConnection) => Promise<T>,
  ): Promise<T> {
    let conn: ServeConnection;
    try {
      conn = await this.deps.connect(clusterId);
    } catch (err) {
      throw unreachable(err);
    }
    try {
      return await fn(conn);
    } catch (err) {
      throw err instanceof DashboardError ? unreachable(err) : err;
    } finally {
      conn.release();
    }
  }

  /** Validate, diff against Ray, record: everything before the PUT. */
  private async prepare(
    conn: ServeConnection,
    clusterId: string,
    text: string,
    rollbackOf: number | null,
    expectDeletes?: string[],
  ): Promise<Prepared> {
    const validation = this.validate(text, await conn.gpus?.().catch(() => null));
    refuseInvalid(validation);
    const body = parseYaml(text).value;
    refuseRedacted(body);
    const diff = diffServeConfig(body, await conn.api.applications());
    if (
      expectDeletes &&
      [...expectDeletes].sort().join('\n') !== [...diff.deletes].sort().join('\n')
    ) {
      const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
      throw new RaydeckError({
        code: 'conflict',
        message: `Ray changed since the diff: this apply would now delete ${list(diff.deletes)} (the diff showed ${list(expectDeletes)}). Nothing was sent; look at the diff again.`,
      });
    }
    const history = this.history(clusterId);
    const entry = await history.record({
      text,
      by: this.by,
      rollbackOf,
      applications: appNames(body),
      deletes: diff.deletes,
    });
    return {
      history,
      entry,
      body,
      diff: redactDiff(diff),
      warnings: validation.diagnostics.filter((d) => d.severity === 'warning'),
    };
  }

  private async start(
    clusterId: string,
    text: string,
    rollbackOf: number | null,
    opts: ApplyOptions,
  ): Promise<ApplyStarted> {
    const running = this.busy.get(clusterId);
    if (running)
      throw new RaydeckError({
        code: 'conflict',
        message: `A Serve apply to this cluster is running (operation ${running}); wait for it or cancel it.`,
      });
    this.busy.set(clusterId, 'starting');
    try {
      const prepared = await this.withConnection(clusterId, (conn) =>
        this.prepare(conn, clusterId, text, rollbackOf, opts.expectDeletes),
      );
      const { entry } = prepared;
      const title = rollbackOf
        ? `Roll Serve back to v${rollbackOf} (as v${entry.version})`
        : `Apply Serve config v${entry.version}`;
      const operationId = await this.deps.operations.start(
        'serve-apply',
        title,
        (op) => this.run(op, clusterId, prepared, opts),
        { clusterId },
      );
      await prepared.history.setOperation(entry.version, operationId);
      this.busy.set(clusterId, operationId);
      void this.deps.operations.wait(operationId).finally(() => this.busy.delete(clusterId));
      return {
        operationId,
        version: entry.version,
        rollbackOf,
        diff: prepared.diff,
        warnings: prepared.warnings,
      };
    } catch (err) {
      this.busy.delete(clusterId);
      throw err;
    }
  }

  /** The operation: PUT, follow, record; on failure with a deadline, roll back. */
  private async run(
    op: OperationContext,
    clusterId: string,
    p: Prepared,
    opts: ApplyOptions,
  ): Promise<void> {
    const label = versionLabel(p.entry);
    op.log(
      `${label}: ${p.entry.applications.length} application${p.entry.applications.length === 1 ? '' : 's'} (${p.entry.applications.join(', ')})`,
    );
    for (const w of p.warnings) op.log(`warning: ${formatConfigPath(w.path)}: ${w.message}`);
    for (const line of describeDiff(p.diff)) op.log(line);
    const wait = opts.wait ?? true;
    const deadlineS = opts.autoRollbackS ?? null;
    try {
      await this.deps.beforePut?.(clusterId, p.body, op);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await p.history.setResult(p.entry.version, 'failed', [message]);
      throw new Error(`${label} was not applied: ${message}`, { cause: err });
    }
    await this.withConnection(clusterId, async (conn) => {
      const outcome = await this.putAndFollow(
        op,
        conn.api,
        p,
        wait,
        deadlineS === null ? this.timing.followTimeoutMs : deadlineS * 1000,
      );
      if (outcome === 'submitted' || outcome.kind === 'running' || outcome.kind === 'cancelled')
        return;
      const what =
        outcome.kind === 'failed'
          ? 'failed'
          : `was not RUNNING within ${deadlineS ?? Math.round(this.timing.followTimeoutMs / 1000)} s`;
      const reason = outcome.messages.join('; ');
      if (deadlineS === null) {
        await p.history.setResult(p.entry.version, outcome.kind, outcome.messages);
        throw new Error(`${label} ${what}: ${reason}`);
      }
      const good = await this.previousGood(p.history, p.entry.version);
      if (!good) {
        await p.history.setResult(p.entry.version, outcome.kind, [
          ...outcome.messages,
          'no earlier version reached RUNNING: nothing to roll back to',
        ]);
        throw new Error(`${label} ${what}, and no earlier version ran to roll back to: ${reason}`);
      }
      op.log(`${label} ${what}: rolling back to v${good.version}`, 'stderr');
      let back: Prepared;
      try {
        back = await this.prepare(
          conn,
          clusterId,
          await p.history.text(good.version),
          good.version,
        );
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        await p.history.setResult(p.entry.version, outcome.kind, [
          ...outcome.messages,
          `rollback to v${good.version} refused: ${why}`,
        ]);
        throw new Error(
          `${label} ${what}, and the rollback to v${good.version} was refused (${why}): ${reason}`,
          { cause: err },
        );
      }
      await p.history.setOperation(back.entry.version, op.id);
      await p.history.setResult(p.entry.version, 'rolled-back', [
        ...outcome.messages,
        `rolled back to v${good.version} as v${back.entry.version}`,
      ]);
      for (const line of describeDiff(back.diff)) op.log(line);
      const after = await this.putAndFollow(op, conn.api, back, true, this.timing.followTimeoutMs);
      if (after !== 'submitted' && (after.kind === 'failed' || after.kind === 'timed-out'))
        await back.history.setResult(back.entry.version, after.kind, after.messages);
      const state = after === 'submitted' ? 'submitted' : after.kind;
      // The outcome first: the CLI's one line is cut at 300 characters, Ray's reasons can be long.
      throw new Error(
        `${label} ${what}; rolled back to v${good.version} as v${back.entry.version}: ${state === 'running' ? 'RUNNING' : state}. Why: ${reason}`,
      );
    });
  }

  /** PUT and follow one version; records running / submitted / failed-by-Ray here, the rest is the caller's. */
  private async putAndFollow(
    op: OperationContext,
    api: ServeApi,
    p: Prepared,
    wait: boolean,
    timeoutMs: number,
  ): Promise<FollowOutcome | 'submitted'> {
    const label = versionLabel(p.entry);
    op.progress(0.05, `Sending ${label} to Ray`);
    try {
      await api.putApplications(p.body);
    } catch (err) {
      if (err instanceof ServeConfigRefused) {
        await p.history.setResult(p.entry.version, 'failed', [err.rayMessage]);
        throw new Error(`${label} was not applied: ${err.message}`, { cause: err });
      }
      // No answer (a dropped tunnel, a timeout): Ray may have taken the config or not.
      const message = `the PUT got no answer (${err instanceof Error ? err.message : String(err)}); Ray may or may not run it: see raydeck serve status`;
      await p.history.setResult(p.entry.version, 'failed', [message]);
      throw new Error(`${label}: ${message}`, { cause: err });
    }
    op.log(`${label}: Ray took the config`);
    if (!wait) {
      await p.history.setResult(p.entry.version, 'submitted');
      return 'submitted';
    }
    const outcome = await followApply(api, {
      names: p.entry.applications,
      deleted: p.entry.deletes,
      timeoutMs,
      pollMs: this.timing.pollMs,
      settlePolls: this.timing.settlePolls,
      signal: op.signal,
      log: (line) => op.log(line),
      progress: (fraction, detail) => op.progress(0.1 + 0.9 * fraction, detail),
    });
    if (outcome.kind === 'running') {
      await p.history.setResult(p.entry.version, 'running');
      op.log(`${label}: every application RUNNING`);
    } else if (outcome.kind === 'cancelled') {
      await p.history.setResult(p.entry.version, 'submitted', [
        'following was cancelled; Ray goes on deploying it',
      ]);
    }
    return outcome;
  }
}
