/**
 * One line of a checklist, the same for every check Raydeck runs: a node's preflight
 * (`NodePreflight.checks`) and this machine's local check (`app.localChecks`), drawn by the
 * renderer's one `CheckList`.
 */
import { z } from 'zod';

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);

export const CheckResult = z.object({
  /** Stable within its list (`ray-installed`, `free-disk`): tests and the UI key rows by it. */
  id: z.string(),
  label: z.string(),
  status: CheckStatus,
  detail: z.string(),
  /** What to do about a warn or fail, or null. */
  hint: z.string().nullable(),
});
export type CheckResult = z.infer<typeof CheckResult>;
