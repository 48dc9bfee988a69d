/** `raydeck ui [--port N] [--json]`: browser mode — the core on 127.0.0.1 and the UI with a token URL. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../api/create-core';
import { startBrowserServer } from '../../server/browser-server';
import { keepServingOnErrors } from '../../server/process-guard';
import { UsageError, type CliCommand } from '../cli-types';

export const rendererDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../dist/renderer',
);

export const uiCommand: CliCommand = {
  words: ['ui'],
  usage: 'raydeck ui [--port N] [--json]',
  summary: 'Serve the Raydeck UI in browser mode on 127.0.0.1 and print its URL (with token).',
  options: { port: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [],
  async run({ values }, ctx) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a number from 0 to 65535, got "${String(values.port)}"`);
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      throw new Error(
        `The UI is not built (${rendererDir} is missing): run "npm run build" (npm install does it too).`,
      );
    }
    // This process is the server: an error that escapes a handler is logged, never fatal.
    keepServingOnErrors((line) => ctx.io.err(line));
    const core = createCore({ home: ctx.home, mode: 'browser' });
    let server;
    try {
      server = await startBrowserServer({
        service: core.service,
        staticDir: rendererDir,
        port,
        log: (line) => ctx.io.err(line),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new Error(`Port ${port} on 127.0.0.1 is already in use; pick another with --port.`, {
          cause: err,
        });
      throw err;
    }
    if (values.json === true)
      ctx.io.out(JSON.stringify({ url: server.url, port: server.port, home: ctx.home }));
    else ctx.io.out(`Raydeck is running in browser mode at ${server.url}`);
    await ctx.stopped;
    await server.close();
    core.dispose();
    return 0;
  },
};
