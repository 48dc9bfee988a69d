/**
 * Helpers to declare a contract entry once. A method has an input schema (validated at the
 * core's edge) and an output type; an event has a payload schema. Both sides import the same
 * declaration, so a channel name is never written twice.
 */
import type { z } from 'zod';

export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  /** What the method does, shown by `raydeck api` and in docs. */
  summary: string;
  input: I;
  output: O;
  /** Long work: returns an operation id at once and reports progress as `operation.*` events. */
  longRunning?: boolean;
}

export interface EventSpec<P extends z.ZodType> {
  summary: string;
  payload: P;
}

export const defineMethod = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) =>
  spec;
export const defineEvent = <P extends z.ZodType>(spec: EventSpec<P>) => spec;
