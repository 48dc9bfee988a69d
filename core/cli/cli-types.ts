/** The shape every CLI subcommand has; main.ts dispatches to them by words (`cluster create`). */
import type { RaydeckClient } from '../../shared';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliContext {
  io: CliIo;
  /** A client over the in-memory transport to a core using $RAYDECK_HOME. */
  client(): RaydeckClient;
  home: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long commands await it. */
  stopped: Promise<void>;
}

export interface CliCommand {
  /** The words that select it, e.g. ['cluster', 'create']. */
  words: string[];
  usage: string;
  summary: string;
  /** More lines for `raydeck WORDS --help` (options, exit codes, examples). */
  details?: string[];
  /** Options as for node:util parseArgs. */
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  positionals: { name: string; required: boolean }[];
  run(
    args: { values: Record<string, string | boolean | undefined>; positionals: string[] },
    ctx: CliContext,
  ): Promise<number>;
}

/** Thrown for a user mistake: main prints the message as one line and exits 2. */
export class UsageError extends Error {}
