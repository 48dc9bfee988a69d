/** Serve files: diagnostics carry file, line and column of the key they are about; saves are atomic. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigPath, setInYaml } from '../../shared';
import { openServeFile, saveServeFile, validateServeFile, validateServeText } from './serve-file';

const TEXT = `# my app
applications:
  - name: chat
    route_prefix: chat
    import_path: pkg.chat:app
    deployments:
      - name: Model
        ray_actor_options:
          num_gpu: 1
`;

describe('validateServeText', () => {
  it('names file, line, column and field path of each finding', () => {
    const r = validateServeText(TEXT, 'app.yaml');
    expect(r.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([
      [4, 5, 'route-prefix'],
      [9, 11, 'unknown-key'],
    ]);
    expect(r.diagnostics.every((d) => d.file === 'app.yaml')).toBe(true);
  });
  it('reports YAML syntax errors with their line', () => {
    const r = validateServeText('applications:\n  - name: a\n   bad: [\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', file: 'bad.yaml' });
    expect(r.diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
    // The field the reader had got to is named, not "(top level)": an unclosed list at line 6.
    const unclosed = validateServeText(
      'applications:\n  - name: a\n    import_path: m:app\n    deployments:\n      - name: D\n        num_replicas: [1, 2\n',
      'unclosed.yaml',
    );
    expect(
      unclosed.diagnostics.map((d) => [d.code, formatConfigPath(d.path), d.line, d.fix]),
    ).toEqual([
      [
        'yaml-syntax',
        'applications[0].deployments[0].num_replicas',
        7,
        'fix the YAML at this line or the lines above it (the last key read: applications[0].deployments[0].num_replicas, 1 line above)',
      ],
    ]);
    // Text with no key before the error still says where, at the top level.
    expect(
      validateServeText('[\n', 'open.yaml').diagnostics.map((d) => formatConfigPath(d.path)),
    ).toEqual(['(top level)']);
  });
  it("reads YAML as Ray does (1.1: yes is true), and refuses numbers Ray's reader types differently", () => {
    expect(
      validateServeText(
        'applications:\n- import_path: a.b\n  logging_config: {enable_access_log: yes}\n',
        'yes.yaml',
      ).ok,
    ).toBe(true);
    const r = validateServeText(
      'applications:\n- import_path: a.b\n  deployments:\n  - name: D\n    max_ongoing_requests: 1e3\n    max_queued_requests: 10.0\n    health_check_period_s: 1.0e+1\n',
      'num.yaml',
    );
    expect(r.diagnostics.map((d) => [d.code, d.line, d.fix])).toEqual([
      ['type', 5, 'write 1000, or 1.0e+3 (a dot and a signed exponent)'],
      ['type', 6, 'write 10'],
    ]);
    const free = validateServeText(
      'applications:\n- import_path: a.b\n  args: {lr: 1e-3}\n',
      'args.yaml',
    );
    expect([free.ok, free.diagnostics.map((d) => [d.severity, d.code])]).toEqual([
      true,
      [['warning', 'type']],
    ]);
  });
  it('refuses a key written twice (YAML would keep only one)', () => {
    const r = validateServeText(
      'applications:\n- import_path: a.b\n  import_path: c.d\n',
      'dup.yaml',
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['unknown-key', 3]]);
    // The field is named by its path, with where the first one is, not "(top level)".
    const nested = validateServeText(
      'applications:\n  - name: a\n    import_path: m:app\n  - name: b\n    import_path: m:app\n    deployments:\n      - name: D\n        num_replicas: 1\n        num_replicas: 2\n',
      'dup.yaml',
    );
    expect(
      nested.diagnostics.map((d) => [d.code, formatConfigPath(d.path), d.line, d.column, d.fix]),
    ).toEqual([
      [
        'unknown-key',
        'applications[1].deployments[0].num_replicas',
        9,
        9,
        'keep one num_replicas and delete the other',
      ],
    ]);
    expect(nested.diagnostics[0]!.message).toBe(
      '"num_replicas" is written twice in the same mapping (the first 1 line above); YAML keeps only one of the two, and which one depends on the reader',
    );
  });
});

describe('openServeFile / saveServeFile', () => {
  it('a one-field edit saved back changes that line only and keeps the file mode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-serve-'));
    try {
      const file = path.join(dir, 'app.yaml');
      fs.writeFileSync(file, TEXT, { mode: 0o600 });
      const opened = await openServeFile(file);
      expect(opened.format).toBe('serve');
      await saveServeFile(
        file,
        setInYaml(opened.text, ['applications', 0, 'route_prefix'], '/chat'),
      );
      const after = fs.readFileSync(file, 'utf8');
      expect(after).toBe(TEXT.replace('route_prefix: chat', 'route_prefix: /chat'));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect((await validateServeFile(file)).diagnostics.map((d) => d.code)).toEqual([
        'unknown-key',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
