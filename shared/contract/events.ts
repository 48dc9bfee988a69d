/** Every event stream the core pushes to clients, declared once. */
import { z } from 'zod';
import { defineEvent, mergeGroups } from './define';
import { Cluster } from '../domain/cluster';
import { Operation, OperationLogLine } from '../domain/operation';
import { ClusterNode, ConnectionState } from '../domain/node';
import { terminalEvents } from './terminal-events';
import { bringupEvents } from './bringup-events';
import { monitorEvents } from './monitor-events';

export const events = mergeGroups('event', terminalEvents, bringupEvents, monitorEvents, {
  'operation.progress': defineEvent({
    summary: 'An operation started, moved, or ended (the whole operation each time).',
    payload: Operation,
  }),
  'operation.log': defineEvent({
    summary: 'One log line of an operation.',
    payload: OperationLogLine,
  }),
  'nodes.changed': defineEvent({
    summary: "A cluster's node list changed (the whole list of that cluster).",
    payload: z.object({ clusterId: z.string(), nodes: z.array(ClusterNode) }),
  }),
  'nodes.connection': defineEvent({
    summary: "A node's connection state changed.",
    payload: z.object({ nodeId: z.string(), connection: ConnectionState }),
  }),
  'clusters.changed': defineEvent({
    summary: 'The cluster list changed (the whole list).',
    payload: z.array(Cluster),
  }),
} as const);

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const eventNames = Object.keys(events) as EventName[];
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
