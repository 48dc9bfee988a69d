/** The process-level guard: an escaped error is logged and the process keeps running (issue 16). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

function runScript(body: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('keepServingOnErrors', () => {
  it('logs an uncaught exception and an unhandled rejection and keeps the process alive', () => {
    const r = runScript(`
      import { keepServingOnErrors } from './core/server/process-guard.ts';
      keepServingOnErrors((l) => console.error(l));
      setTimeout(() => { throw new Error('boom in a handler'); }, 10);
      setTimeout(() => { Promise.reject(new Error('rejected in a handler')); }, 20);
      setTimeout(() => { console.log('still serving'); }, 200);
    `);
    expect(r.stdout).toContain('still serving');
    expect(r.stderr).toContain('boom in a handler');
    expect(r.stderr).toContain('rejected in a handler');
    expect(r.status).toBe(0);
  });
});
