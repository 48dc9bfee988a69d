/**
 * Where the core's unexpected errors go with their stack traces: `$RAYDECK_HOME/logs/debug.log`
 * (0600, cut to its newest half past 2 MiB), and stderr too with `--debug` / RAYDECK_DEBUG=1.
 * A terminal or a UI only ever gets the one-line reason; the stack is here for a bug report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CoreLogger } from '../api/core-service';

const MAX_BYTES = 2 * 1024 * 1024;

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export function debugLogger(file: string, opts: { stderr?: boolean } = {}): CoreLogger {
  return {
    error(message, err) {
      const entry = `${new Date().toISOString()} ${message}${err === undefined ? '' : `\n${describe(err)}`}\n`;
      if (opts.stderr) process.stderr.write(entry);
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        if (size > MAX_BYTES) {
          const keep = fs.readFileSync(file).subarray(size - MAX_BYTES / 2);
          fs.writeFileSync(file, keep, { mode: 0o600 });
        }
        fs.appendFileSync(file, entry, { mode: 0o600 });
      } catch {
        // A log that cannot be written must not turn one failure into two.
      }
    },
  };
}

/** `--debug` on the command line or RAYDECK_DEBUG=1 in the environment. */
export function debugWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RAYDECK_DEBUG === '1' || env.RAYDECK_DEBUG === 'true';
}
