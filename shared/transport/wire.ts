/**
 * The WebSocket wire protocol of browser mode: JSON frames, validated on both ends.
 * Client -> core: call, sub, unsub. Core -> client: result, event.
 */
import { z } from 'zod';

export const ClientFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string(),
    input: z.unknown(),
  }),
  z.object({ t: z.literal('sub'), event: z.string() }),
  z.object({ t: z.literal('unsub'), event: z.string() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

const ErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('result'),
    id: z.number().int().nonnegative(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: ErrorShape }),
    ]),
  }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Frames larger than this are refused by both ends (a flood guard, not a feature limit). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
