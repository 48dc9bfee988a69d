/**
 * The `raydeck` command line over the same core as the app. Subcommands are `CliCommand`s
 * (commands/*.ts), selected by their words; each feature adds its own. Success exits 0; any
 * failure prints one line (`raydeck: ...`) and exits non-zero (2 for usage, 1 otherwise).
 */
import { parseArgs } from 'node:util';
import { RaydeckError, createClient, type RaydeckClient } from '../../shared';
import { createCore } from '../api/create-core';
import { resolveRaydeckHome } from '../paths';
import { createMemoryTransport } from '../transport/memory-transport';
import { raydeckVersion } from '../version';
import { UsageError, type CliCommand, type CliIo } from './cli-types';
import { clusterCommands } from './commands/cluster';
import { uiCommand } from './commands/ui';
import { apiCommand } from './commands/api';
import { nodeCommands } from './commands/node';

export const commands: CliCommand[] = [uiCommand, ...clusterCommands, ...nodeCommands, apiCommand];

const stdio: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

function helpText(): string[] {
  return [
    `raydeck ${raydeckVersion()} — Ray clusters over SSH, Serve + vLLM, live.`,
    '',
    'Usage:',
    ...commands.map((c) => `  ${c.usage.padEnd(48)} ${c.summary}`),
    '  raydeck --version',
    '',
    'State lives in $RAYDECK_HOME (now: ' + resolveRaydeckHome() + ').',
  ];
}

function pickCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null;
  for (const command of commands) {
    const n = command.words.length;
    if (argv.slice(0, n).join(' ') === command.words.join(' ') && (!best || n > best.command.words.length)) {
      best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

export interface MainOptions {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process should stop; defaults to SIGINT/SIGTERM. */
  stopped?: Promise<void>;
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? stdio;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    for (const line of helpText()) io.out(line);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    io.out(raydeckVersion());
    return 0;
  }
  const picked = pickCommand(argv);
  if (!picked) {
    io.err(`raydeck: unknown command "${argv.slice(0, 2).join(' ')}" (see raydeck --help)`);
    return 2;
  }
  const { command, rest } = picked;
  const home = resolveRaydeckHome(opts.env ?? process.env);
  let clientInstance: RaydeckClient | null = null;
  const stopped =
    opts.stopped ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError(`${(err as Error).message.split('\n')[0]} (usage: ${command.usage})`);
    }
    const required = command.positionals.filter((p) => p.required).length;
    if (parsed.positionals.length < required || parsed.positionals.length > command.positionals.length) {
      throw new UsageError(`expected ${command.positionals.map((p) => p.name).join(' ') || 'no arguments'} (usage: ${command.usage})`);
    }
    return await command.run(parsed as never, {
      io,
      home,
      stopped,
      client: () => {
        if (!clientInstance) {
          const core = createCore({ home, mode: 'memory' });
          clientInstance = createClient(createMemoryTransport(core.service));
        }
        return clientInstance;
      },
    });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`raydeck: ${err.message}`);
      return 2;
    }
    if (err instanceof RaydeckError) {
      io.err(`raydeck: ${err.message}`);
      return 1;
    }
    io.err(`raydeck: ${(err as Error).message ?? String(err)}`);
    return 1;
  } finally {
    (clientInstance as RaydeckClient | null)?.close();
  }
}
