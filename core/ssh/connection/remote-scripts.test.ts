/**
 * The script catalog: bash scripts and Python programs of remote/scripts by name, the shared
 * watchdog prelude put into each bash script that asks for it (so it lives in one file), a
 * package folder uploaded as one deterministic zipapp that python3 runs, the content hash taken
 * over what is uploaded, and the interpreter chosen by the uploaded name.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteScriptCatalog, interpreterFor } from './remote-scripts';

const real = new RemoteScriptCatalog();
const WATCHDOG = fs.readFileSync(path.join(real.dir, 'prelude', 'watchdog.sh'), 'utf8');

describe('remote script catalog', () => {
  it('lists the bash scripts and the Python programs by name, nothing else', () => {
    expect(real.names()).toEqual([
      'app-builder',
      'echo-input',
      'gpu-stream',
      'job',
      'metrics-stream',
      'model-files',
      'preflight',
      'stat-paths',
      'wait-for-port',
    ]);
    expect(real.get('job').fileName).toMatch(/^job-[0-9a-f]{12}\.pyz$/);
    expect(real.get('preflight').fileName).toMatch(/^preflight-[0-9a-f]{12}\.sh$/);
    expect(() => real.get('prelude')).toThrow(/not one of Raydeck's remote scripts/);
    expect(() => real.get('watchdog')).toThrow(/not one of Raydeck's remote scripts/);
  });

  it('uploads a package folder as one zipapp that python3 runs, named by every module it holds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-scripts-'));
    try {
      const pkg = path.join(dir, 'multi');
      fs.mkdirSync(path.join(pkg, '__pycache__'), { recursive: true });
      fs.writeFileSync(
        path.join(pkg, '__main__.py'),
        'import json, sys\nfrom helper import twice\nprint(json.dumps({"twice": twice(json.load(sys.stdin))}))\n',
      );
      fs.writeFileSync(path.join(pkg, 'helper.py'), 'def twice(x):\n    return x * 2\n');
      fs.writeFileSync(path.join(pkg, '__pycache__', 'helper.cpython-311.pyc'), 'junk');
      fs.writeFileSync(path.join(pkg, '.DS_Store'), 'junk');
      fs.mkdirSync(path.join(dir, 'no-main')); // a folder without __main__.py is no script
      const first = new RemoteScriptCatalog(dir).get('multi');
      expect(new RemoteScriptCatalog(dir).names()).toEqual(['multi']);
      expect(first.fileName).toMatch(/^multi-[0-9a-f]{12}\.pyz$/);
      expect(interpreterFor(first.fileName)).toBe('python3');
      const pyz = path.join(dir, first.fileName);
      fs.writeFileSync(pyz, first.content);
      const run = spawnSync('python3', [pyz], { input: '21', encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('{"twice": 42}\n');

      // The same modules give the same bytes, whatever their timestamps.
      fs.utimesSync(path.join(pkg, 'helper.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
      expect(new RemoteScriptCatalog(dir).get('multi').content.equals(first.content)).toBe(true);
      // Any module changing changes the name (a running older upload is never replaced).
      fs.writeFileSync(path.join(pkg, 'helper.py'), 'def twice(x):\n    return x + x\n');
      expect(new RemoteScriptCatalog(dir).get('multi').fileName).not.toBe(first.fileName);
      fs.writeFileSync(path.join(pkg, 'extra.py'), '');
      const withExtra = new RemoteScriptCatalog(dir).get('multi');
      expect(withExtra.content.includes('extra.py')).toBe(true);

      // Nothing the program needs may be silently left behind; one name, one script.
      fs.mkdirSync(path.join(pkg, 'sub'));
      expect(() => new RemoteScriptCatalog(dir).get('multi')).toThrow(/multi\/sub is not a module/);
      fs.rmdirSync(path.join(pkg, 'sub'));
      fs.writeFileSync(path.join(dir, 'multi.py'), 'print(1)\n');
      expect(() => new RemoteScriptCatalog(dir).names()).toThrow(/two scripts named "multi"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts the watchdog prelude into every bash script, once, where its marker line was', () => {
    for (const name of real.names().filter((n) => real.get(n).fileName.endsWith('.sh'))) {
      const text = real.get(name).content.toString('utf8');
      expect(text, name).not.toMatch(/raydeck:prelude/);
      expect(text.split(WATCHDOG).length - 1, name).toBe(1);
      expect(text.startsWith('#!/usr/bin/env bash\n'), name).toBe(true);
    }
    expect(real.get('app-builder').content.toString('utf8')).toMatch(
      /^#!\/usr\/bin\/env python3\n/,
    );
    expect(real.get('job').content.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  });

  it('hashes what is uploaded: a new prelude makes a new file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-scripts-'));
    try {
      fs.mkdirSync(path.join(dir, 'prelude'));
      fs.writeFileSync(
        path.join(dir, 'a.sh'),
        '#!/usr/bin/env bash\n# raydeck:prelude watchdog — here\necho hi\n',
      );
      fs.writeFileSync(path.join(dir, 'prelude', 'watchdog.sh'), 'echo one\n');
      const first = new RemoteScriptCatalog(dir).get('a');
      expect(first.content.toString()).toBe('#!/usr/bin/env bash\necho one\necho hi\n');
      fs.writeFileSync(path.join(dir, 'prelude', 'watchdog.sh'), 'echo two\n');
      expect(new RemoteScriptCatalog(dir).get('a').fileName).not.toBe(first.fileName);
      fs.writeFileSync(path.join(dir, 'b.sh'), '# raydeck:prelude nothing\n');
      expect(() => new RemoteScriptCatalog(dir).get('b')).toThrow(/prelude "nothing"/);
      fs.writeFileSync(path.join(dir, 'a.py'), 'print(1)\n');
      expect(() => new RemoteScriptCatalog(dir).names()).toThrow(/two scripts named "a"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uploads the job runner (remote/scripts/job/) as a zipapp that answers as the folder does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-job-pyz-'));
    try {
      const pyz = path.join(dir, real.get('job').fileName);
      fs.writeFileSync(pyz, real.get('job').content);
      const requests = [
        '{nope',
        '{"action": "poll", "job": "x"}',
        '{"action": "start", "job": "s", "step": "stop", "params": {}, "follow": true}',
        '{"action": "start", "job": "t", "step": "nothing", "params": {}}',
      ];
      const answers = (entry: string) => {
        const home = fs.mkdtempSync(path.join(dir, 'home-'));
        return requests.map((input) => {
          const r = spawnSync('python3', [entry], {
            input,
            encoding: 'utf8',
            env: { PATH: process.env.PATH, HOME: home },
          });
          return { code: r.status, stdout: r.stdout, stderr: r.stderr };
        });
      };
      const uploaded = answers(pyz);
      expect(uploaded).toEqual(answers(path.join(real.dir, 'job')));
      expect(uploaded.map((a) => a.code)).toEqual([2, 0, 0, 2]);
      expect(uploaded[1]!.stdout).toBe(
        '{"job": "x", "state": "absent", "code": null, "log": "", "offset": 0}\n',
      );
      expect(uploaded[2]!.stdout).toContain('Ray is not installed; nothing to stop.');
      expect(uploaded[3]!.stdout).toBe('{"error": "unknown step \'nothing\'"}\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs .py and .pyz uploads with python3 and the rest with bash', () => {
    expect(interpreterFor('/home/u/.raydeck/scripts/job-0123456789ab.py')).toBe('python3');
    expect(interpreterFor('/home/u/.raydeck/scripts/job-0123456789ab.pyz')).toBe('python3');
    expect(interpreterFor('/home/u/.raydeck/scripts/preflight-0123456789ab.sh')).toBe('bash');
  });
});
