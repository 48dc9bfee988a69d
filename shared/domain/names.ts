/**
 * Names a user types (clusters, nodes) end up in file names, Ray labels and log lines, so they
 * are restricted to a safe alphabet here, with a message that says exactly what is wrong.
 */
import { z } from 'zod';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A cluster or node name: 1-63 characters, letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const ResourceName = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .max(63, { error: 'must be at most 63 characters', abort: true })
  .refine((s) => NAME_RE.test(s), {
    error:
      'may contain only letters, digits, ".", "_" and "-", and must start with a letter or digit',
  });
