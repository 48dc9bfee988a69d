/**
 * The real `raydeck` process: a failure prints exactly one `raydeck: <reason>` line on stderr,
 * never a stack trace; the stack goes to $RAYDECK_HOME/logs/debug.log (and stderr with --debug).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';

const BIN = path.resolve(__dirname, '../../bin/raydeck.js');
const newHome = useTempHomes();
const STACK = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

function raydeck(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: home, RAYDECK_HOME: home },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('raydeck on a failure (issue 20 item 4)', () => {
  it('an unexpected core error: one stderr line; the stack in the debug log', () => {
    const home = newHome();
    fs.writeFileSync(path.join(home, 'inventory.json'), '{ broken');
    const r = raydeck(home, ['cluster', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^raydeck: .*inventory\.json is not valid JSON/);
    expect(r.stderr).not.toMatch(STACK);
    const log = fs.readFileSync(path.join(home, 'logs', 'debug.log'), 'utf8');
    expect(log).toMatch(/core: clusters\.list failed/);
    expect(log).toMatch(STACK);
    expect(fs.statSync(path.join(home, 'logs', 'debug.log')).mode & 0o777).toBe(0o600);
  }, 40_000);

  it('--debug adds the stack trace on stderr', () => {
    const home = newHome();
    fs.writeFileSync(path.join(home, 'inventory.json'), '{ broken');
    const r = raydeck(home, ['--debug', 'cluster', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(STACK);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^raydeck: /);
  }, 40_000);
});
