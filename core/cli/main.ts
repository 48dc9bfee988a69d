/**
 * The `raydeck` command line over the same core as the app. Subcommands are `CliCommand`s
 * (commands/*.ts), selected by their words; each feature adds its own. Success exits 0; any
 * failure prints one line (`raydeck: ...`) and exits non-zero (2 for usage, 1 otherwise, 130
 * when Ctrl+C stopped long work). `raydeck WORDS --help` prints a command's usage.
 */
import { parseArgs } from 'node:util';
import { RaydeckError, createClient, type RaydeckClient } from '../../shared';
import { createCore } from '../api/create-core';
import { resolveRaydeckHome, statePaths } from '../paths';
import { debugLogger, debugWanted } from '../app/debug-log';
import { createMemoryTransport } from '../transport/memory-transport';
import { raydeckVersion } from '../version';
import { UsageError, type CliCommand, type CliIo } from './cli-types';
import { clusterCommands } from './commands/cluster';
import { clusterDay2Commands } from './commands/cluster-day2';
import { uiCommand } from './commands/ui';
import { apiCommand } from './commands/api';
import { nodeCommands } from './commands/node';
import { nodeImportCommand } from './commands/node-import';
import { nodeAccessCommands } from './commands/node-access';
import { nodeCheckCommand } from './commands/node-check';
import { serveCommands } from './commands/serve';
import { modelCommands } from './commands/model';
import { pipelineCommands } from './commands/pipeline';
import { monitorCommands } from './commands/monitor';
import { forStream, oneLine } from './output';

export const commands: CliCommand[] = [
  uiCommand,
  ...clusterCommands,
  ...clusterDay2Commands,
  ...nodeCommands,
  nodeImportCommand,
  ...nodeAccessCommands,
  nodeCheckCommand,
  ...modelCommands,
  ...serveCommands,
  ...pipelineCommands,
  ...monitorCommands,
  apiCommand,
];

const stdio: CliIo = {
  out: (l) => process.stdout.write(`${forStream(process.stdout, l)}\n`),
  err: (l) => process.stderr.write(`${forStream(process.stderr, l)}\n`),
};

const USAGE_WIDTH = 48;
function usageLines(list: CliCommand[]): string[] {
  return list.flatMap((c) =>
    c.usage.length <= USAGE_WIDTH
      ? [`  ${c.usage.padEnd(USAGE_WIDTH)} ${c.summary}`]
      : [`  ${c.usage}`, `  ${' '.repeat(USAGE_WIDTH)} ${c.summary}`],
  );
}

function helpText(): string[] {
  return [
    `raydeck ${raydeckVersion()} — Ray clusters over SSH, Serve + vLLM, live.`,
    '',
    'Usage:',
    ...usageLines(commands),
    '  raydeck --version',
    '',
    'Details of one command: raydeck WORDS --help (e.g. raydeck node trust --help).',
    'Unexpected errors: one line here, the stack trace in $RAYDECK_HOME/logs/debug.log (--debug: on stderr too).',
    'State lives in $RAYDECK_HOME (now: ' + resolveRaydeckHome() + ').',
  ];
}

function commandHelp(c: CliCommand): string[] {
  return [`Usage: ${c.usage}`, '', c.summary, ...(c.details?.length ? ['', ...c.details] : [])];
}

function pickCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null;
  for (const command of commands) {
    const n = command.words.length;
    if (
      argv.slice(0, n).join(' ') === command.words.join(' ') &&
      (!best || n > best.command.words.length)
    ) {
      best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

const wantsHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** What a command talks to: a client, and how to end it (the CLI's own in-process core by default). */
export interface CoreConnection {
  client: RaydeckClient;
  dispose(): void;
}

export interface MainOptions {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process should stop; defaults to SIGINT/SIGTERM (listened to only by commands that wait). */
  stopped?: Promise<void>;
  /** Opens the core for $RAYDECK_HOME; tests pass one with their own settings or stand-in methods. */
  connect?: (home: string, debug: boolean) => CoreConnection;
}

/** The CLI's own core; unexpected errors go to the debug log, and to stderr with --debug. */
function connectInProcess(home: string, debug: boolean): CoreConnection {
  const core = createCore({
    home,
    mode: 'memory',
    logger: debugLogger(statePaths(home).debugLog, { stderr: debug }),
  });
  const client = createClient(createMemoryTransport(core.service));
  return {
    client,
    dispose() {
      client.close();
      core.dispose();
    },
  };
}

export async function main(argvIn: string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? stdio;
  // --debug anywhere before `--`: stack traces of unexpected errors on stderr too.
  const end = argvIn.indexOf('--');
  const debugAt = argvIn.indexOf('--debug');
  const debug =
    (debugAt !== -1 && (end === -1 || debugAt < end)) || debugWanted(opts.env ?? process.env);
  const argv =
    debugAt !== -1 && (end === -1 || debugAt < end)
      ? argvIn.filter((_, i) => i !== debugAt)
      : argvIn;
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
    const group = commands.filter((c) => c.words[0] === argv[0]);
    if (group.length > 0 && (argv.length === 1 || wantsHelp(argv.slice(1, 2)))) {
      for (const line of ['Usage:', ...usageLines(group)]) io.out(line);
      return argv.length === 1 ? 2 : 0;
    }
    io.err(`raydeck: unknown command "${argv.slice(0, 2).join(' ')}" (see raydeck --help)`);
    return 2;
  }
  const { command, rest } = picked;
  if (wantsHelp(rest)) {
    for (const line of commandHelp(command)) io.out(line);
    return 0;
  }
  const home = resolveRaydeckHome(opts.env ?? process.env);
  let connection: CoreConnection | null = null;
  // Signal handlers only for commands that wait for them: a short command keeps Ctrl+C's default.
  let stopped: Promise<void> | null = opts.stopped ?? null;
  const onSignal: (() => void)[] = [];
  const waitForStop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      const handler = () => resolve();
      onSignal.push(handler);
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
    }));
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: command.options,
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError(`${(err as Error).message.split('\n')[0]} (usage: ${command.usage})`);
    }
    const required = command.positionals.filter((p) => p.required).length;
    if (
      parsed.positionals.length < required ||
      parsed.positionals.length > command.positionals.length
    ) {
      throw new UsageError(
        `expected ${command.positionals.map((p) => p.name).join(' ') || 'no arguments'} (usage: ${command.usage})`,
      );
    }
    return await command.run(parsed as never, {
      io,
      home,
      get stopped() {
        return waitForStop();
      },
      client: () => (connection ??= (opts.connect ?? connectInProcess)(home, debug)).client,
    });
  } catch (err) {
    // One line, never a stack: an unexpected error's stack goes to the debug log.
    const message = oneLine(err instanceof Error ? err.message : String(err));
    if (!(err instanceof UsageError) && !(err instanceof RaydeckError))
      debugLogger(statePaths(home).debugLog, { stderr: debug }).error(
        `cli: ${argv.slice(0, 3).join(' ')} failed`,
        err,
      );
    io.err(`raydeck: ${message}`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    for (const handler of onSignal) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    }
    (connection as CoreConnection | null)?.dispose();
  }
}
