/**
 * Terminals as the contract sees them: what a tab is attached to (a local shell or an SSH shell
 * on a node), its live state, the size and write limits the core enforces, and the flow-control
 * figures both ends agree on (the core pauses a shell once this much output is unacknowledged).
 */
import { z } from 'zod';

/** Most terminals one core keeps open at once (each is a process or an SSH channel). */
export const MAX_TERMINALS = 32;
/** Largest `terminal.write` (UTF-16 code units); the renderer splits a bigger paste. */
export const MAX_TERMINAL_WRITE = 64 * 1024;
/** Output is coalesced into chunks of at most this many characters... */
export const TERMINAL_CHUNK_CHARS = 64 * 1024;
/** ...flushed at least this often while output flows. */
export const TERMINAL_FLUSH_MS = 12;
/** Unacknowledged output above which the core pauses the shell (ssh channel / pty). */
export const TERMINAL_HIGH_WATER = 512 * 1024;
/** The shell resumes once unacknowledged output falls to this. */
export const TERMINAL_LOW_WATER = 128 * 1024;
/** Recent output the core keeps per terminal, replayed when a window re-attaches (a reload). */
export const TERMINAL_REPLAY_CHARS = 256 * 1024;

export const TerminalCols = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(2, { error: 'must be at least 2' })
  .max(1000, { error: 'must be at most 1000' });
export const TerminalRows = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(500, { error: 'must be at most 500' });

/** What a terminal runs in: a shell on this machine, or a login shell on a node over SSH. */
export const TerminalTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('ssh'),
      nodeId: z.string().min(1, { error: 'is required' }).max(128),
    })
    .strict(),
]);
export type TerminalTarget = z.infer<typeof TerminalTarget>;

export const TerminalInfo = z.object({
  id: z.string(),
  target: TerminalTarget,
  /** What the tab says: "Local shell", or the node's name. */
  title: z.string(),
  state: z.enum(['running', 'exited']),
  /** The shell's exit code once exited (null while running, or when it ended by a signal or a dropped connection). */
  exitCode: z.number().int().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
});
export type TerminalInfo = z.infer<typeof TerminalInfo>;
