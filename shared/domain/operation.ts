/**
 * Long-running work (bring-up, apply, import) is an Operation: started by a method that returns
 * its id at once, then reported through `operation.progress` / `operation.log` events.
 */
import { z } from 'zod';

export const OperationState = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type OperationState = z.infer<typeof OperationState>;

export const Operation = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  state: OperationState,
  /** 0..1, or null when the amount of work is unknown yet. */
  progress: z.number().min(0).max(1).nullable(),
  /** Short human line: what is happening now. */
  detail: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The cluster the work is on, when it is on one (the Activity page names it). */
  clusterId: z.string().optional(),
});
export type Operation = z.infer<typeof Operation>;

export const OperationLogLine = z.object({
  operationId: z.string(),
  at: z.string(),
  stream: z.enum(['info', 'stdout', 'stderr']),
  line: z.string(),
});
export type OperationLogLine = z.infer<typeof OperationLogLine>;

export const OperationStarted = z.object({ operationId: z.string() });
export type OperationStarted = z.infer<typeof OperationStarted>;
