import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary, hasDisplay } from './electron-binary';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function root(files: Record<string, string>) {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-'));
  dirs.push(r);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(r, rel)), { recursive: true });
    fs.writeFileSync(path.join(r, rel), text);
  }
  return r;
}

describe('findElectronBinary', () => {
  it('reports a package without a downloaded binary, and never downloads', () => {
    const r = root({
      'node_modules/electron/package.json': '{}',
      'node_modules/electron/install.js': 'throw new Error("must not run")',
    });
    expect(findElectronBinary(r, {})).toEqual({
      found: false,
      reason: 'the Electron binary is not downloaded',
    });
  });

  it('reports path.txt pointing at a missing file', () => {
    const r = root({
      'node_modules/electron/package.json': '{}',
      'node_modules/electron/path.txt': 'electron',
    });
    expect(findElectronBinary(r, {})).toMatchObject({
      found: false,
      reason: expect.stringContaining('missing'),
    });
  });

  it('finds an installed binary', () => {
    const r = root({
      'node_modules/electron/package.json': '{}',
      'node_modules/electron/path.txt': 'electron',
      'node_modules/electron/dist/electron': '',
    });
    expect(findElectronBinary(r, {})).toEqual({
      found: true,
      binary: path.join(r, 'node_modules/electron/dist/electron'),
    });
  });

  it('reports a missing package', () => {
    expect(findElectronBinary(root({}), {}).found).toBe(false);
  });

  it('this checkout has no Electron binary here, so npm start must fall back', () => {
    // On the development machines Electron cannot be downloaded; this pins that expectation.
    const lookup = findElectronBinary(path.resolve(__dirname, '../..'), {});
    if (lookup.found) expect(fs.existsSync(lookup.binary)).toBe(true);
    else expect(lookup.reason).toMatch(/not downloaded|missing|not installed/);
  });

  it('knows when Linux has no display', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
  });
});
