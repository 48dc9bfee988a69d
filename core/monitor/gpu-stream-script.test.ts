/**
 * remote/scripts/gpu-stream.sh run here against the testbed's GPU stand-in (scripts/testbed/
 * nvidia-smi as `nvidia-smi` on PATH, a temp state; no testbed, no Ray): the apps stream lists a
 * throwaway child started with CUDA_VISIBLE_DEVICES=1 on GPU 1 with its parent chain, and the
 * core maps it to the "replica" that is its parent; the xid stream follows the stand-in's kernel
 * log and says plainly when no kernel log is readable. Every process started here is ended by its
 * process group id.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeGpus } from './gpu-state';
import { AppBlocks, GpuBlocks, type AppBlock } from './nvidia-smi';
import { parseXidLine } from './xid';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'remote/scripts/gpu-stream.sh');
let dir: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-stream-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.symlinkSync(path.join(ROOT, 'scripts/testbed/nvidia-smi'), path.join(dir, 'bin/nvidia-smi'));
  fs.writeFileSync(path.join(dir, 'gpu.json'), JSON.stringify({ node: 'node1', gpus: 2 }));
});

/** Ends the process group a test started (its background readers too); gone already is fine. */
function endGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(-p.pid!, signal);
  } catch {
    /* the group has ended */
  }
}

afterAll(() => {
  for (const p of started) endGroup(p, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts a process in its own group (ended in afterAll by that group's id). */
function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const p = spawn(cmd, args, { env, detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(p);
  return p;
}

/** Runs the script with `input`, collecting stdout lines until `done` says so (bounded). */
function stream(input: object, env: NodeJS.ProcessEnv, done: (lines: string[]) => boolean) {
  const p = start('bash', [SCRIPT], env);
  p.stdin!.end(JSON.stringify(input));
  const lines: string[] = [];
  let buf = '';
  return new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end: ${lines.join('\n')}`)), 10_000);
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      endGroup(p);
      resolve(lines);
    };
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      if (done(lines)) finish();
    });
    p.on('exit', () => finish());
  });
}

const env = (extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  PATH: `${dir}/bin:${process.env.PATH}`,
  NVIDIA_SMI_STANDIN_STATE: path.join(dir, 'gpu.json'),
  ...extra,
});

describe('gpu-stream.sh against the GPU stand-in', () => {
  it('apps: the child started with CUDA_VISIBLE_DEVICES=1 is on GPU 1, under its parent', async () => {
    // The "replica actor": a bash without CUDA_VISIBLE_DEVICES whose child ("EngineCore") has it.
    const actor = start('bash', ['-c', 'CUDA_VISIBLE_DEVICES=1 sleep 30 & wait'], {
      ...process.env,
      CUDA_VISIBLE_DEVICES: '',
    });
    const cut = new AppBlocks();
    const blocks: AppBlock[] = [];
    let seen = 0;
    const lines = await stream({ stream: 'apps', periodMs: 200 }, env(), (ls) => {
      for (; seen < ls.length; seen++) {
        const b = cut.push(ls[seen]!);
        if (b) blocks.push(b);
      }
      return blocks.some((x) => [...x.chains.values()].some((c) => c[1] === actor.pid));
    });
    expect(JSON.parse(lines[0]!)).toEqual({ kind: 'started', stream: 'apps', periodMs: 200 });
    const block = blocks[blocks.length - 1]!;
    const chain = [...block.chains.values()].find((c) => c[1] === actor.pid)!;
    const child = chain[0]!;
    expect(block.busIds.size).toBe(2);
    // The core's view: GPUs from the GPU query, the apps block, the replica by its actor pid.
    const gpus = new NodeGpus('node1');
    const q = spawnSync(
      'nvidia-smi',
      [
        '--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw',
        '--format=csv,noheader,nounits',
      ],
      { env: env(), encoding: 'utf8' },
    );
    const g = new GpuBlocks();
    for (const l of q.stdout.trim().split('\n')) g.push(l, Date.now());
    gpus.applyBlock(g.flush()!);
    gpus.setApps(block);
    const s = gpus.samples(Date.now(), 3000, (pid) => (pid === actor.pid ? 'replica-1' : null));
    expect(s[1]!.processes.find((p) => p.pid === child)).toMatchObject({
      replicaId: 'replica-1',
      actorPid: actor.pid,
    });
    expect(s[1]!.processes.find((p) => p.pid === child)!.usedMemoryMiB).toBeGreaterThan(0);
    expect(s[0]!.processes.some((p) => p.pid === child)).toBe(false);
    expect(gpus.gpusUnder(actor.pid!)).toEqual(['node1/1']);
    expect(s.map((x) => x.pciBusId)).toEqual(['0000:19:00', '0000:3b:00']);
  }, 20_000);

  it('apps: a lost GPU only drops its rows; no driver at all is an error and the stream ends', async () => {
    fs.writeFileSync(
      path.join(dir, 'gpu.json'),
      JSON.stringify({ node: 'node1', gpus: 2, faults: { lost: [0] } }),
    );
    const cut = new AppBlocks();
    let block: AppBlock | null = null;
    let seen = 0;
    await stream({ stream: 'apps', periodMs: 200 }, env(), (ls) => {
      for (; seen < ls.length && !block; seen++) block = cut.push(ls[seen]!);
      return block !== null;
    });
    expect([...block!.busIds.values()]).toEqual(['00000000:3B:00.0']);
    fs.writeFileSync(path.join(dir, 'gpu.json'), JSON.stringify({ node: 'node1', gpus: 2 }));
    const lines = await stream(
      { stream: 'apps', periodMs: 200 },
      env({ NVIDIA_SMI_STANDIN_STATE: path.join(dir, 'no-such-state.json') }),
      () => false,
    );
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!).message).toMatch(/couldn't communicate with the NVIDIA driver/);
  }, 20_000);

  it("xid: follows the stand-in's kernel log; the Xid names GPU 1's bus", async () => {
    const log = path.join(dir, 'kmsg-standin.log'); // absent at the start, as after `testbed up`
    const inject = () =>
      spawnSync(
        'python3',
        [
          '-c',
          'import sys; sys.path.insert(0, sys.argv[1]); import tb_standin_xid as x; x.inject_xid(sys.argv[2], 1, 79)',
          path.join(ROOT, 'scripts/testbed'),
          path.join(dir, 'gpu.json'),
        ],
        { encoding: 'utf8' },
      );
    let injected = false;
    const lines = await stream({ stream: 'xid', periodMs: 1000 }, env(), (ls) => {
      if (!injected && ls[0]?.startsWith('{"kind":"started"')) {
        injected = true;
        expect(inject().status).toBe(0);
      }
      return ls.some((l) => l.includes('NVRM: Xid'));
    });
    const head = JSON.parse(lines[0]!) as { sources: string[]; monotonicS: number };
    expect(head.sources).toContain('testbed-standin');
    const x = parseXidLine(lines.find((l) => l.includes('NVRM: Xid'))!)!;
    expect(x).toMatchObject({ busId: '0000:3b:00', code: 79 });
    expect(Math.abs(x.monotonicS! - head.monotonicS)).toBeLessThan(10); // the same clock
    fs.unlinkSync(log);
  }, 20_000);

  it('xid: no readable kernel log and no stand-in is said plainly (no value) and the stream ends', async () => {
    // journalctl and dmesg as a restricted user sees them: nothing, and "Operation not permitted".
    const denied = path.join(dir, 'denied');
    fs.mkdirSync(denied);
    fs.writeFileSync(path.join(denied, 'journalctl'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    fs.writeFileSync(
      path.join(denied, 'dmesg'),
      '#!/bin/sh\necho "dmesg: read kernel buffer failed: Operation not permitted" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const lines = await stream(
      { stream: 'xid', periodMs: 1000 },
      env({
        PATH: `${denied}:${process.env.PATH}`,
        NVIDIA_SMI_STANDIN_STATE: path.join(denied, 'gpu.json'),
      }),
      () => false,
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).message).toMatch(
      /^kernel log not readable .*Xid errors cannot be seen/,
    );
  }, 20_000);
});
