/**
 * Helpers to declare a contract entry once. A method has an input schema (validated at the
 * core's edge) and an output type; an event has a payload schema. Both sides import the same
 * declaration, so a channel name is never written twice. Whether a method is long work is read
 * from its output (an `operationId` in it), never set by hand; the feature groups are merged by
 * `mergeGroups`, which refuses a name declared in two groups instead of letting one win.
 */
import { z } from 'zod';

export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  /** What the method does, shown by `raydeck api` and in docs. */
  summary: string;
  input: I;
  output: O;
}

export interface Method<I extends z.ZodType, O extends z.ZodType> extends MethodSpec<I, O> {
  /**
   * Long work: returns an operation id at once (its output has `operationId`) and reports
   * progress as `operation.*` events. Derived from the output schema.
   */
  longRunning: boolean;
}

export interface EventSpec<P extends z.ZodType> {
  summary: string;
  payload: P;
}

/** Whether a method's output starts an operation: an object with an `operationId` field. */
export function startsOperation(output: z.ZodType): boolean {
  return output instanceof z.ZodObject && 'operationId' in output.shape;
}

export const defineMethod = <I extends z.ZodType, O extends z.ZodType>(
  spec: MethodSpec<I, O>,
): Method<I, O> => ({ ...spec, longRunning: startsOperation(spec.output) });
export const defineEvent = <P extends z.ZodType>(spec: EventSpec<P>) => spec;

type Merged<G extends readonly object[]> = G extends readonly [
  infer H,
  ...infer R extends readonly object[],
]
  ? H & Merged<R>
  : unknown;

/** The groups' entries in one object; a name in two groups throws (`kind` names them). */
export function mergeGroups<const G extends readonly object[]>(
  kind: 'method' | 'event',
  ...groups: G
): Merged<G> {
  const merged: Record<string, unknown> = {};
  for (const group of groups)
    for (const [name, entry] of Object.entries(group)) {
      if (Object.prototype.hasOwnProperty.call(merged, name))
        throw new Error(`the ${kind} "${name}" is declared twice in the contract`);
      merged[name] = entry;
    }
  return merged as Merged<G>;
}
