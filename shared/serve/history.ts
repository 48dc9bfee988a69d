/**
 * One applied Serve config in a cluster's history: its number, who applied it and from where,
 * when, what it asked Ray to do (applications kept and deleted), and how it ended — with Ray's
 * own messages when it failed. The text itself is kept beside the record, byte for byte
 * (core/serve/serve-history.ts), so a rollback sends exactly what ran before.
 */
import { z } from 'zod';

export const ServeApplyState = z.enum([
  /** Sent (or being sent) and not settled yet, or Raydeck stopped while following it. */
  'applying',
  /** Ray took it; nobody followed it to the end (apply without --wait). */
  'submitted',
  /** Every application of the config RUNNING. */
  'running',
  /** Ray refused it, or an application went DEPLOY_FAILED / UNHEALTHY. */
  'failed',
  /** Not RUNNING within the time given, and no rollback asked. */
  'timed-out',
  /** Not healthy within the deadline: Raydeck applied the previous good version again. */
  'rolled-back',
]);
export type ServeApplyState = z.infer<typeof ServeApplyState>;

export const ServeHistoryEntry = z.object({
  version: z.number().int().positive(),
  appliedAt: z.string(),
  by: z.object({ user: z.string(), via: z.enum(['app', 'cli']) }),
  /** sha256 of the YAML text, hex. */
  sha256: z.string(),
  /** This version applies the text of an earlier one again. */
  rollbackOf: z.number().int().positive().nullable(),
  /** Names of the applications in the config. */
  applications: z.array(z.string()),
  /** Applications the PUT deleted (they were running and the config left them out). */
  deletes: z.array(z.string()),
  result: z.object({
    state: ServeApplyState,
    /** Ray's messages (failed), or what Raydeck did (rolled back to vN). */
    messages: z.array(z.string()),
    /** When the result was last set. */
    at: z.string(),
  }),
  /** The apply operation that recorded it (its log has the details). */
  operationId: z.string().nullable(),
});
export type ServeHistoryEntry = z.infer<typeof ServeHistoryEntry>;

/** "v3 (rollback of v1)" */
export const versionLabel = (e: Pick<ServeHistoryEntry, 'version' | 'rollbackOf'>): string =>
  `v${e.version}${e.rollbackOf ? ` (rollback of v${e.rollbackOf})` : ''}`;
