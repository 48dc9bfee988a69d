/**
 * What an importer hands to the inventory: a host ready to become a node, with the warnings the
 * user should read before accepting it. Entries that cannot be imported safely are never an
 * `ImportedHost`; they come back as `RejectedHost` with readable reasons.
 */
import type { z } from 'zod';

/** A ProxyJump hop: another imported alias, or a host given inline (`user@host:port`). */
export type ImportedJump =
  { kind: 'alias'; alias: string } | { kind: 'inline'; host: string; port: number; user: string };

export interface ImportedHost {
  /** The name the user knows the host by (the `Host` alias, the testbed node name). */
  alias: string;
  /** Address to connect to (HostName, or the alias itself). Valid `HostAddress`. */
  host: string;
  port: number;
  user: string;
  /** Private key file, `~` and tokens expanded; null = none configured (agent / ssh defaults). */
  identityFile: string | null;
  /**
   * The hop directly before this host (the last one of ProxyJump), which is what the
   * inventory's `jumpNodeId` means; null = direct. Earlier hops are in `jumpChain`.
   */
  jump: ImportedJump | null;
  /** Every ProxyJump hop in the order ssh goes through them (empty when direct). */
  jumpChain: ImportedJump[];
  warnings: string[];
  /** Host key fingerprints (`SHA256:...`) known out of band, when the source gives them. */
  expectedFingerprints?: string[];
}

/** An entry that was not imported, and why (each reason is a full sentence for the user). */
export interface RejectedHost {
  alias: string;
  reasons: string[];
}

/** `label "value" <zod message>`, or null when the value passes the schema. */
export function schemaProblem(schema: z.ZodType, value: unknown, label: string): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  return `${label} ${JSON.stringify(value)} ${result.error.issues[0]?.message ?? 'is not valid'}.`;
}
