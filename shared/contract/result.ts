/** The envelope every call returns over every transport: a value, or a typed error. */
import type { RaydeckErrorShape } from './errors';

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: RaydeckErrorShape };

export const ok = <T>(value: T): CallResult<T> => ({ ok: true, value });
export const fail = (error: RaydeckErrorShape): CallResult<never> => ({ ok: false, error });
