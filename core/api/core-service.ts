/**
 * The core's edge: every transport hands raw (untrusted) method names and inputs to `call()`.
 * It checks the method exists, validates the input with the contract's zod schema, runs the
 * handler and turns any failure into a typed error. Nothing thrown here reaches a UI as a stack.
 */
import type { z } from 'zod';
import {
  RaydeckError,
  fail,
  formatPath,
  isEventName,
  isMethodName,
  methods,
  ok,
  summarizeIssues,
  type CallResult,
  type EventName,
  type EventPayload,
  type FieldIssue,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type Unsubscribe,
} from '../../shared';
import type { EventBus } from './event-bus';

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>>;
};

export interface CoreLogger {
  error(message: string, err?: unknown): void;
}

export class CoreService {
  constructor(
    private readonly handlers: Handlers,
    private readonly bus: EventBus,
    private readonly logger: CoreLogger = { error: (m, e) => console.error(m, e) },
  ) {}

  async call(method: unknown, input: unknown): Promise<CallResult<unknown>> {
    if (!isMethodName(method)) {
      return fail({
        code: 'unknown_method',
        message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`,
      });
    }
    const schema: z.ZodType = methods[method].input;
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) {
      const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
        path: formatPath(i.path),
        message: i.message,
      }));
      return fail({
        code: 'validation',
        message: `Invalid input for ${method}: ${summarizeIssues(issues)}`,
        issues,
      });
    }
    try {
      const handler = this.handlers[method] as (i: unknown) => Promise<unknown>;
      return ok(await handler(parsed.data));
    } catch (err) {
      if (err instanceof RaydeckError) return fail(err.toShape());
      this.logger.error(`core: ${method} failed`, err);
      const message = err instanceof Error ? err.message : String(err);
      return fail({ code: 'internal', message: `${method} failed: ${firstLine(message)}` });
    }
  }

  /** Subscribes to an event by (untrusted) name; unknown names are refused with a typed error. */
  subscribe(event: unknown, listener: (payload: unknown) => void): Unsubscribe {
    if (!isEventName(event))
      throw new RaydeckError({
        code: 'unknown_method',
        message: `Unknown event ${String(event).slice(0, 80)}.`,
      });
    return this.bus.on(event, listener as (p: EventPayload<EventName>) => void);
  }
}

/** Error messages reach the UI; keep one line and no stack. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
