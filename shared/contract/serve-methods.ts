/**
 * Methods of Ray Serve on a cluster: validate a config, read what Ray runs, diff a config
 * against it, apply it safely (an Operation that follows it to RUNNING or failure, optionally
 * rolling back by itself), and the cluster's history of applied configs with rollback.
 * Every request to Ray goes from the core through the head's SSH tunnel.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import { Id } from './primitives';
import { ServeConfigDiff } from '../serve/diff';
import { ServeHistoryEntry } from '../serve/history';
import { ServeInstance } from '../serve/status';

/** A Serve config's YAML text (the bytes applied are these). */
const ServeText = z.string().max(1_000_000, { error: 'a Serve config is at most 1 MB' });

export const ServeDiagnosticData = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  fix: z.string().optional(),
  suggestion: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});

/** Roll back to the last good version when the apply is not RUNNING within this many seconds (null: never). */
export const AutoRollbackS = z
  .number()
  .positive()
  .max(24 * 3600)
  .nullable()
  .default(null);

export const ServeApplyStarted = z.object({
  operationId: z.string(),
  /** The history version recorded for this apply. */
  version: z.number(),
  /** For a rollback: the version whose text was applied again. */
  rollbackOf: z.number().nullable(),
  diff: ServeConfigDiff,
  warnings: z.array(ServeDiagnosticData),
});

export const serveMethods = {
  'serve.validate': defineMethod({
    summary:
      "Checks a Serve config (or RayService manifest) against Ray 2.60's rules and Raydeck's stricter ones; never imports user code.",
    input: z.object({ text: ServeText, gpus: z.number().min(0).optional() }).strict(),
    output: z.object({
      ok: z.boolean(),
      format: z.enum(['serve', 'rayservice']),
      diagnostics: z.array(ServeDiagnosticData),
    }),
  }),
  'serve.status': defineMethod({
    summary:
      "What Serve runs on the cluster: applications, deployments and replicas with Ray's states and messages, and desired vs running vs starting vs pending replicas.",
    input: z.object({ clusterId: Id }).strict(),
    output: ServeInstance,
  }),
  'serve.diff': defineMethod({
    summary:
      'A config against what Ray runs, per application and deployment; lists the applications an apply would delete. Refused (validation) when the config has errors.',
    input: z.object({ clusterId: Id, text: ServeText }).strict(),
    output: z.object({ diff: ServeConfigDiff, diagnostics: z.array(ServeDiagnosticData) }),
  }),
  'serve.apply': defineMethod({
    summary:
      'Validates, diffs, records and applies a config; the operation follows it until every application is RUNNING or one fails. autoRollbackS: roll back to the last version that ran when not RUNNING within that many seconds.',
    input: z
      .object({
        clusterId: Id,
        text: ServeText,
        wait: z.boolean().default(true),
        autoRollbackS: AutoRollbackS,
        /** The deletions the user saw in serve.diff: if the apply would now delete others, it is refused (conflict). */
        expectDeletes: z.array(z.string().max(256)).max(1000).optional(),
      })
      .strict(),
    output: ServeApplyStarted,
  }),
  'serve.history': defineMethod({
    summary:
      "The cluster's applied Serve configs, newest first: version, who, when, result (with Ray's messages).",
    input: z.object({ clusterId: Id }).strict(),
    output: z.array(ServeHistoryEntry),
  }),
  'serve.get': defineMethod({
    summary: 'One version of the history and the exact text that was applied.',
    input: z.object({ clusterId: Id, version: z.number().int().positive() }).strict(),
    output: z.object({ entry: ServeHistoryEntry, text: z.string() }),
  }),
  'serve.rollback': defineMethod({
    summary:
      'Applies a history version again, byte for byte, recorded as a new version (default: the last version that ran before the newest).',
    input: z
      .object({
        clusterId: Id,
        version: z.number().int().positive().optional(),
        wait: z.boolean().default(true),
      })
      .strict(),
    output: ServeApplyStarted,
  }),
} as const;
