/**
 * Methods of live monitoring (subscribe / unsubscribe / snapshot / series / prices) and of
 * one-click scaling (a fit preview, then the change through Serve's safe apply: validated,
 * diffed, recorded in history, followed — never Ray's /scale endpoint). Pushes go through
 * monitor-events.ts.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import { Id } from './primitives';
import { AutoRollbackS, ServeApplyStarted } from './serve-methods';
import { ServeConfigDiff } from '../serve/diff';
import {
  FitPreview,
  MonitorPrices,
  MonitorSnapshot,
  ScaleChange,
  SeriesDelta,
} from '../domain/monitor';

const Name = z.string().min(1, { error: 'is required' }).max(256);
const Usd = z.number().min(0).max(1_000_000);
/** Prices to set: a number sets one, null removes it; keys left out stay as they are. */
const PriceChanges = z.record(z.string().min(1).max(256), Usd.nullable());

const ScaleInput = z
  .object({ clusterId: Id, app: Name, deployment: Name, change: ScaleChange })
  .strict();

export const monitorMethods = {
  'monitor.subscribe': defineMethod({
    summary:
      "Starts the cluster's collectors (GPU streams, Serve status, metrics) if not running (idempotent) and returns the current snapshot; changes then come as monitor.delta / monitor.event / monitor.alerts.",
    input: z.object({ clusterId: Id }).strict(),
    output: MonitorSnapshot,
  }),
  'monitor.unsubscribe': defineMethod({
    summary: "Stops the cluster's collectors (their streams on the nodes end).",
    input: z.object({ clusterId: Id }).strict(),
    output: z.object({ stopped: z.boolean() }),
  }),
  'monitor.snapshot': defineMethod({
    summary:
      'The current snapshot of a subscribed cluster: nodes, GPUs, applications, deployments, replicas, alerts, events, cost.',
    input: z.object({ clusterId: Id }).strict(),
    output: MonitorSnapshot,
  }),
  'monitor.series': defineMethod({
    summary:
      "History of series from the core's ring buffers: the points of each key newer than sinceMs (keys with no points are left out).",
    input: z
      .object({
        clusterId: Id,
        keys: z.array(z.string().max(1024)).max(5000),
        sinceMs: z.number().min(0).default(0),
      })
      .strict(),
    output: z.object({ at: z.number(), series: SeriesDelta }),
  }),
  'monitor.setPrices': defineMethod({
    summary:
      "Sets the cluster's prices in USD per hour, per node id or per GPU model name (null removes one); returns all its prices.",
    input: z
      .object({
        clusterId: Id,
        perNodeHour: PriceChanges.optional(),
        perGpuModelHour: PriceChanges.optional(),
      })
      .strict(),
    output: MonitorPrices,
  }),
  'serve.scalePreview': defineMethod({
    summary:
      'What scaling a deployment would change: the config diff, where each new replica would land (node and GPUs) or why it would stay pending, and warnings. Changes nothing.',
    input: ScaleInput,
    output: z.object({
      diff: ServeConfigDiff,
      fit: FitPreview,
      warnings: z.array(z.string()),
      /** The Serve config that serve.scale would apply. */
      text: z.string(),
    }),
  }),
  'serve.scale': defineMethod({
    summary:
      "Scales a deployment through Serve's safe apply (validated, diffed, recorded in history, followed until RUNNING); autoRollbackS rolls back when not RUNNING in time.",
    input: ScaleInput.extend({
      wait: z.boolean().default(true),
      autoRollbackS: AutoRollbackS,
    }).strict(),
    output: ServeApplyStarted,
  }),
} as const;
