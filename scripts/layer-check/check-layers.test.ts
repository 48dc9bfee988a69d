/** The layer check itself is tested: it must fail on each kind of crossing and pass the real repo. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers } from './check-layers';

const made: string[] = [];
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('layer check', () => {
  it('fails a renderer file that imports node:fs', () => {
    const root = tree({ 'renderer/bad.ts': "import fs from 'node:fs';\nexport const x = fs;\n" });
    const v = checkLayers(root);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ file: 'renderer/bad.ts', line: 1, specifier: 'node:fs' });
    expect(v[0]!.rule).toContain('Node built-ins');
  });

  it('fails bare builtins, require() and dynamic import in shared/', () => {
    const root = tree({
      'shared/a.ts':
        "import path from 'path';\nconst x = require('child_process');\nconst y = import('node:os');\n",
    });
    expect(checkLayers(root).map((v) => v.specifier)).toEqual(['path', 'child_process', 'node:os']);
  });

  it('fails core importing electron and renderer importing core', () => {
    const root = tree({
      'core/x.ts': "import { app } from 'electron';\n",
      'renderer/y.ts': "import { createCore } from '../core/api/create-core';\n",
      'core/api/create-core.ts': 'export const createCore = 1;\n',
    });
    const rules = checkLayers(root).map((v) => `${v.file}: ${v.rule}`);
    expect(rules).toEqual([
      'core/x.ts: core/ may not import the package electron',
      'renderer/y.ts: renderer/ may not import core/ (allowed: renderer, shared)',
    ]);
  });

  it('fails shared/ importing react, and a feature reaching into another feature', () => {
    const root = tree({
      'shared/c.ts': "import React from 'react';\n",
      'renderer/features/a/A.tsx': "import { B } from '../b/B';\nimport { ok } from '../b';\n",
      'renderer/features/b/B.tsx': 'export const B = 1;\n',
      'renderer/features/b/index.ts': 'export const ok = 1;\n',
    });
    const rules = checkLayers(root).map((v) => v.rule);
    expect(rules).toEqual([
      'shared/ may import only zod, yaml',
      'feature "a" may use feature "b" only through renderer/features/b/index.ts',
    ]);
  });

  it('passes allowed imports', () => {
    const root = tree({
      'shared/ok.ts': "import { z } from 'zod';\n",
      'core/ok.ts': "import fs from 'node:fs';\nimport { z } from '../shared/ok';\n",
      'electron/ok.ts': "import { app } from 'electron';\nimport '../core/ok';\n",
      'renderer/ok.tsx': "import React from 'react';\nimport '../shared/ok';\n",
    });
    expect(checkLayers(root)).toEqual([]);
  });

  it('passes this repository', () => {
    expect(checkLayers(path.resolve(__dirname, '..', '..'))).toEqual([]);
  });
});
