/**
 * The Ray version Raydeck installs is declared once, `RAY_VERSION` in shared/domain/bringup.ts:
 * the dev and testbed scripts that pin Ray read it from there (the same sed pattern in the shell
 * scripts, `pinned_ray_version()` in the testbed's Python), and no other source file writes the
 * version as a literal pin (`'X.Y.Z'`, `"X.Y.Z"` or `==X.Y.Z`; tests and fixtures aside).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RAY_VERSION } from '../shared';

const ROOT = path.resolve(__dirname, '..');
const SCRIPTS = [
  'scripts/pipeline/pipeline-env.sh',
  'scripts/pipeline/vllm-env.sh',
  'scripts/serve/ray-env.sh',
];
const READ_LINE =
  /^[A-Za-z_]+="(?:\$\{RAYDECK_CONFORMANCE_RAY:-)?\$\((sed -n .* shared\/domain\/bringup\.ts)\)\}?"/m;

describe('the pinned Ray version', () => {
  it('is read by the scripts from shared/domain/bringup.ts', () => {
    for (const script of SCRIPTS) {
      const text = fs.readFileSync(path.join(ROOT, script), 'utf8');
      const command = READ_LINE.exec(text)?.[1];
      expect(command, script).toBeDefined();
      const read = execFileSync('bash', ['-c', command!], { cwd: ROOT, encoding: 'utf8' });
      expect(read.trim(), script).toBe(RAY_VERSION);
    }
    const python = execFileSync(
      'python3',
      ['-B', '-c', 'import tb_common; print(tb_common.pinned_ray_version(), tb_common.RAY_SPEC)'],
      { cwd: path.join(ROOT, 'scripts', 'testbed'), encoding: 'utf8' },
    );
    expect(python.trim()).toBe(`${RAY_VERSION} ray[serve]==${RAY_VERSION}`);
  });

  it('is written nowhere else as a pin', () => {
    const files = execFileSync(
      'git',
      ['ls-files', '-co', '--exclude-standard', '--', '*.ts', '*.tsx', '*.py', '*.sh', '*.mjs'],
      { cwd: ROOT, encoding: 'utf8' },
    )
      .split('\n')
      .filter((f) => f && !/\.test\.|\/fixtures\/|\/tests\/|^shared\/domain\/bringup\.ts$/.test(f))
      .filter((f) => fs.existsSync(path.join(ROOT, f)));
    const v = RAY_VERSION.replace(/\./g, '\\.');
    const pin = new RegExp(`(['"\`])${v}\\1|==${v}\\b`);
    const copies = files.filter((f) => pin.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(copies).toEqual([]);
  });
});
