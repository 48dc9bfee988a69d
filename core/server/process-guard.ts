/**
 * Process-level last resort for the long-running browser-mode server (`raydeck ui`): an error
 * that escaped every handler is logged and the server keeps serving, instead of one bad request
 * taking the app (and the user's running terminals and bring-ups) down. Issue 16.
 * Installed once, by the command that owns the process — never by a library, so tests and
 * embedders keep their own policy.
 */
export interface ProcessLike {
  on(event: 'uncaughtException', listener: (err: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

let installed = false;

export function keepServingOnErrors(
  log: (line: string) => void,
  proc: ProcessLike = process,
): void {
  if (installed && proc === process) return;
  if (proc === process) installed = true;
  const describe = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));
  proc.on('uncaughtException', (err) =>
    log(`raydeck: uncaught error (still serving): ${describe(err)}`),
  );
  proc.on('unhandledRejection', (reason) =>
    log(`raydeck: unhandled rejection (still serving): ${describe(reason)}`),
  );
}
