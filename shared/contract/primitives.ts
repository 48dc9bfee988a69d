/**
 * The contract's shared primitives, used by every feature's methods: `Id` (a record's id as the
 * core hands it out) and `NoInput` (a method that takes nothing: `{}` and no other key).
 */
import { z } from 'zod';

export const NoInput = z.object({}).strict();
export const Id = z.string({ error: 'must be text' }).min(1, { error: 'is required' }).max(128);
