/** `raydeck serve validate`: exit 1 naming the field path, exit 0 with warnings printed, --json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-serve-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['serve', 'validate', ...args], {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    env: { RAYDECK_HOME: dir },
  });
  return { code, out, err };
}
function file(name: string, text: string) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('raydeck serve validate', () => {
  it('exits 1 and names the field path and line of the first error', async () => {
    const p = file(
      'bad.yaml',
      'applications:\n- name: a\n  import_path: pkg.a:app\n  deployments:\n  - name: D\n    num_replicas: 2\n    autoscaling_config:\n      max_replicas: 3\n',
    );
    const r = await cli([p]);
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(
      `${p}:6:5: error [replicas-conflict] applications[0].deployments[0].num_replicas: num_replicas is 2 and autoscaling_config is set; Ray refuses both together — remove num_replicas (or write num_replicas: auto), or remove autoscaling_config`,
    );
    expect(r.out.at(-1)).toBe(`${p}: Serve config: 1 error, 0 warnings`);
    expect(r.err).toEqual([
      `raydeck: ${p} is not a valid Serve config: applications[0].deployments[0].num_replicas (line 6): num_replicas is 2 and autoscaling_config is set; Ray refuses both together`,
    ]);
  });

  it('exits 0 with warnings printed (a vLLM replica on half a GPU, more GPUs than --gpus)', async () => {
    const p = file(
      'warn.yaml',
      'applications:\n- name: a\n  import_path: pkg.a:app\n  deployments:\n  - name: VLLMDeployment\n    num_replicas: 4\n    ray_actor_options:\n      num_gpus: 0.5\n',
    );
    const r = await cli([p, '--gpus', '1']);
    expect(r.code).toBe(0);
    expect(r.out.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([
      'warning [gpu-oversubscribed]',
      'warning [fractional-gpu-vllm]',
      'Serve config:',
    ]);
    expect(r.err).toEqual([]);
  });

  it('--json prints the findings as data', async () => {
    const p = file('json.yaml', 'host: 0.0.0.0\napplications:\n- import_path: pkg.a:app\n');
    const r = await cli([p, '--json']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out.join('\n'));
    expect(body).toMatchObject({ file: p, ok: false, format: 'serve' });
    expect(body.diagnostics).toEqual([
      expect.objectContaining({
        code: 'wrong-level',
        path: ['host'],
        suggestion: 'http_options.host',
        line: 1,
        column: 1,
      }),
    ]);
  });

  it('a missing file is one clear line, exit 1; a bad --gpus is a usage error, exit 2', async () => {
    const missing = await cli([path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([`raydeck: ${path.join(dir, 'nope.yaml')}: no such file`]);
    expect((await cli([path.join(dir, 'nope.yaml'), '--gpus', 'many'])).code).toBe(2);
  });
});
