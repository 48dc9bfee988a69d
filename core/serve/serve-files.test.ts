/**
 * The Serve page's files on disk: an opened file saved unchanged is byte-identical (comments,
 * odd spacing, CRLF), a one-field form edit changes one line, a file changed on disk since it
 * was opened is not overwritten unless asked, the write is atomic (no temp file left, the old
 * file whole when the write fails), every error is a sentence (missing, folder, permission,
 * too large, binary, relative path), `~` is expanded, and RayService manifests open per document.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { setInYaml } from '../../shared';
import { ServeFiles } from './serve-files';
import { validateServeText } from './serve-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-serve-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const files = new ServeFiles(dir);
let n = 0;
function write(content: string | Buffer, name = `f${++n}.yaml`): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

const ODD =
  '# my serve config\r\n' +
  'proxy_location:   HeadOnly   # spaces kept\r\n' +
  'applications:\r\n' +
  '  - name: app1     # first\r\n' +
  "    route_prefix: '/a'\r\n" +
  '    import_path: mod:app\r\n' +
  '    deployments:\r\n' +
  '    - name: D\r\n' +
  '      num_replicas: 2\r\n' +
  '\r\n' +
  '      # trailing comment\r\n';

const MANIFEST = (i: number) =>
  [
    'apiVersion: ray.io/v1',
    'kind: RayService',
    'metadata:',
    `  name: svc-${i}`,
    'spec:',
    '  serveConfigV2: |',
    '    # inside',
    '    applications:',
    `      - name: app${i}`,
    `        route_prefix: /r${i}`,
    '        import_path: mod:app',
    '',
  ].join('\n');
const THREE_DOCS = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n${MANIFEST(1)}---\n${MANIFEST(2)}`;

describe('ServeFiles.save', () => {
  it('an opened file saved unchanged is byte-identical (comments, odd spacing, CRLF)', async () => {
    const f = write(ODD);
    const opened = await files.open(f);
    expect(opened.text).toBe(ODD);
    await files.save(f, opened.text!, { expect: opened.stamp });
    expect(fs.readFileSync(f).equals(Buffer.from(ODD, 'utf8'))).toBe(true);
  });

  it('a one-field edit changes only that line, CRLF and comments kept', async () => {
    const f = write(ODD);
    const opened = await files.open(f);
    const edited = setInYaml(
      opened.text!,
      ['applications', 0, 'deployments', 0, 'num_replicas'],
      5,
    );
    await files.save(f, edited, { expect: opened.stamp });
    const before = ODD.split('\r\n');
    const after = fs.readFileSync(f, 'utf8').split('\r\n');
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((l, i) => (l === before[i] ? [] : [[before[i], l]]));
    expect(changed).toEqual([['      num_replicas: 2', '      num_replicas: 5']]);
  });

  it('refuses a file changed on disk since it was opened, unless overwrite', async () => {
    const f = write('applications: []\n');
    const opened = await files.open(f);
    fs.writeFileSync(f, 'applications: [] # someone else\n');
    await expect(files.save(f, 'x: 1\n', { expect: opened.stamp })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('changed on disk since it was opened'),
    });
    expect(fs.readFileSync(f, 'utf8')).toBe('applications: [] # someone else\n');
    await files.save(f, 'x: 1\n', { expect: opened.stamp, overwrite: true });
    expect(fs.readFileSync(f, 'utf8')).toBe('x: 1\n');
  });

  it('save as refuses an existing file unless overwrite; the stamp returned allows the next save', async () => {
    const f = write('old\n');
    await expect(files.save(f, 'new\n')).rejects.toMatchObject({ code: 'conflict' });
    const first = await files.save(path.join(dir, 'fresh.yaml'), 'a: 1\n');
    const second = await files.save(first.path, 'a: 2\n', { expect: first.stamp });
    expect(second.stamp.sha256).not.toBe(first.stamp.sha256);
    expect(fs.readFileSync(first.path, 'utf8')).toBe('a: 2\n');
  });

  it('writes atomically: no temp file left, and a failed write leaves the old file whole', async () => {
    const sub = path.join(dir, 'atomic');
    fs.mkdirSync(sub);
    const f = path.join(sub, 'serve.yaml');
    fs.writeFileSync(f, 'old: 1\n', { mode: 0o640 });
    const stamp = (await files.open(f)).stamp;
    await files.save(f, 'new: 2\n', { expect: stamp });
    expect(fs.readdirSync(sub)).toEqual(['serve.yaml']);
    expect(fs.statSync(f).mode & 0o777).toBe(0o640);
    const rename = vi
      .spyOn(fsp, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    const stamp2 = (await files.open(f)).stamp;
    await expect(files.save(f, 'half\n', { expect: stamp2 })).rejects.toMatchObject({
      code: 'internal',
    });
    expect(rename).toHaveBeenCalledOnce();
    expect(fs.readFileSync(f, 'utf8')).toBe('new: 2\n');
    expect(fs.readdirSync(sub)).toEqual(['serve.yaml']);
  });
});

describe('ServeFiles errors are sentences', () => {
  it('missing file, missing folder, a folder, a relative path', async () => {
    await expect(files.open(path.join(dir, 'nope.yaml'))).rejects.toMatchObject({
      code: 'not_found',
      message: `No file at ${path.join(dir, 'nope.yaml')}`,
    });
    await expect(files.save(path.join(dir, 'no-dir', 'x.yaml'), 'a: 1\n')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('does not exist'),
    });
    await expect(files.open(dir)).rejects.toMatchObject({
      message: `${dir} is a folder, not a file`,
    });
    await expect(files.save(dir, 'a: 1\n', { overwrite: true })).rejects.toMatchObject({
      message: `${dir} is a folder, not a file`,
    });
    await expect(files.open('serve.yaml')).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('not an absolute path'),
    });
  });

  it('permission denied, too large, binary content', async () => {
    const f = write('a: 1\n');
    vi.spyOn(fsp, 'readFile').mockRejectedValueOnce(
      Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }),
    );
    await expect(files.open(f)).rejects.toMatchObject({
      code: 'validation',
      message: `Permission denied: Raydeck cannot read ${f}`,
    });
    const big = write(`# ${'x'.repeat(1_100_000)}\n`);
    await expect(files.open(big)).rejects.toMatchObject({
      message: expect.stringContaining('a Serve config file is at most 1 MB'),
    });
    const bin = write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 1]));
    await expect(files.open(bin)).rejects.toMatchObject({
      message: expect.stringContaining('is not a text file (binary content)'),
    });
    const nul = write('a: 1\n\0\n');
    await expect(files.open(nul)).rejects.toMatchObject({
      message: expect.stringContaining('binary content'),
    });
  });

  it('~ is the home folder', async () => {
    write('a: 1\n', 'home.yaml');
    expect((await files.open('~/home.yaml')).path).toBe(path.join(dir, 'home.yaml'));
  });
});

describe('ServeFiles.open of a RayService manifest', () => {
  it('a 3-document file: asks which RayService, then gives its serveConfigV2 and where it starts', async () => {
    const f = write(THREE_DOCS);
    const first = await files.open(f);
    expect(first).toMatchObject({
      format: 'rayservice',
      text: null,
      services: [
        { name: 'svc-1', documentIndex: 1 },
        { name: 'svc-2', documentIndex: 2 },
      ],
    });
    const two = await files.open(f, 2);
    expect(two.text).toBe(
      '# inside\napplications:\n  - name: app2\n    route_prefix: /r2\n    import_path: mod:app\n',
    );
    expect(two.rayService).toMatchObject({ name: 'svc-2', documentIndex: 2, documents: 3 });
    expect(THREE_DOCS.split('\n')[two.rayService!.line - 1]).toBe('    # inside');
    await expect(files.open(f, 0)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('export: the manifest holds the config byte for byte and opens again to the same text, validating clean', async () => {
    const config =
      '# kept\napplications:\n  - name: a\n    route_prefix: /a\n    import_path: mod:app\n';
    const out = path.join(dir, 'exported.yaml');
    const r = await files.exportRayService(config, { name: 'my-svc', path: out });
    expect(r.path).toBe(out);
    expect(fs.readFileSync(out, 'utf8')).toBe(r.text);
    expect((await files.open(out)).text).toBe(config);
    expect(
      validateServeText(r.text, out).diagnostics.filter((d) => d.severity === 'error'),
    ).toEqual([]);
    await expect(
      files.exportRayService(config, { name: 'my-svc', path: out }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await files.exportRayService(config, { name: 'x' })).path).toBeNull();
    // A CRLF config: the manifest's lines all end in \n, and its config reads back the same lines.
    const crlf = (await files.exportRayService(config.replaceAll('\n', '\r\n'), { name: 'x' }))
      .text;
    expect(crlf).not.toContain('\r');
    expect(crlf).toBe((await files.exportRayService(config, { name: 'x' })).text);
  });
});

describe('ServeFiles.saveIntoRayService', () => {
  const EDITED =
    '# inside, edited\napplications:\n  - name: app2\n    route_prefix: /r2\n    import_path: mod:app\n    deployments:\n    - name: D\n      num_replicas: 3\n';

  it('writes the config into its RayService only: the other documents and the rest byte for byte', async () => {
    const f = write(THREE_DOCS);
    const opened = await files.open(f, 2);
    const r = await files.saveIntoRayService(f, 2, EDITED, { expect: opened.stamp });
    const after = fs.readFileSync(f, 'utf8');
    const [beforeHead, beforeTwo] = THREE_DOCS.split(MANIFEST(2));
    expect(after.startsWith(beforeHead!)).toBe(true);
    expect(beforeTwo).toBe('');
    // Document 3: its header lines as they were, serveConfigV2 now the edited text, indented 4.
    const three = after.slice(beforeHead!.length);
    expect(three.split('\n').slice(0, 6)).toEqual(MANIFEST(2).split('\n').slice(0, 6));
    expect(three.split('\n').slice(6, 14)).toEqual(
      EDITED.trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
    const again = await files.open(f, 2);
    expect(again.text).toBe(EDITED);
    expect(again.stamp.sha256).toBe(r.stamp.sha256);
    expect((await files.open(f, 1)).text).toBe(
      '# inside\napplications:\n  - name: app1\n    route_prefix: /r1\n    import_path: mod:app\n',
    );
  });

  it('a manifest changed on disk since it was opened: refused, then with overwrite the config goes into it as it is now', async () => {
    const f = write(THREE_DOCS);
    const opened = await files.open(f, 1);
    const changed = THREE_DOCS.replace('name: cm', 'name: cm-changed-elsewhere');
    fs.writeFileSync(f, changed);
    await expect(
      files.saveIntoRayService(f, 1, EDITED, { expect: opened.stamp }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('changed on disk'),
    });
    expect(fs.readFileSync(f, 'utf8')).toBe(changed);
    await files.saveIntoRayService(f, 1, EDITED, { overwrite: true });
    const after = fs.readFileSync(f, 'utf8');
    expect(after).toContain('name: cm-changed-elsewhere');
    expect((await files.open(f, 1)).text).toBe(EDITED);
  });

  it('refusals are sentences and leave the file as it was', async () => {
    const f = write(THREE_DOCS);
    await expect(files.saveIntoRayService(f, 0, EDITED)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('document 1 is not a RayService'),
    });
    await expect(files.saveIntoRayService(f, 2, '  indented: first\n')).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/RayService "svc-2" of .*must start at column 1/),
    });
    await expect(files.saveIntoRayService(f, 2, '\n')).rejects.toMatchObject({
      message: expect.stringContaining('the Serve config is empty'),
    });
    expect(fs.readFileSync(f, 'utf8')).toBe(THREE_DOCS);
    await expect(
      files.saveIntoRayService(path.join(dir, 'gone.yaml'), 1, EDITED),
    ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('Save as') });
  });
});
