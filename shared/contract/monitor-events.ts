/** Event streams of live monitoring: batched series and view changes (~1 Hz), the timeline, the alerts. */
import { z } from 'zod';
import { defineEvent } from './define';
import { Alert, MonitorDelta, MonitorEvent } from '../domain/monitor';

export const monitorEvents = {
  'monitor.delta': defineEvent({
    summary:
      "A subscribed cluster's series points appended since the last push and the views that changed (upserts by key, removed keys), about once a second.",
    payload: MonitorDelta,
  }),
  'monitor.event': defineEvent({
    summary:
      'New timeline events of a cluster (replica started / died / restarted, autoscaler decisions, node or GPU lost), oldest first.',
    payload: z.object({ clusterId: z.string(), events: z.array(MonitorEvent) }),
  }),
  'monitor.alerts': defineEvent({
    summary: "A cluster's active alerts changed (the whole list).",
    payload: z.object({ clusterId: z.string(), alerts: z.array(Alert) }),
  }),
} as const;
