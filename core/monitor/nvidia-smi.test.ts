/**
 * nvidia-smi's CSV as the monitor reads it: the captures (units, [N/A], [Not Supported]), and
 * the testbed's GPU stand-in run as a real streaming process (-lms) with its faults: a field
 * unsupported, a GPU lost, a GPU hot.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AppBlocks,
  GPU_QUERY_FIELDS,
  GpuBlocks,
  parseAppLine,
  parseGpuLine,
  smiNumber,
  type GpuBlock,
} from './nvidia-smi';
import { NodeGpus } from './gpu-state';

const ROOT = path.resolve(__dirname, '../..');
const CAPS = path.resolve(ROOT, 'core/monitor/fixtures');
const STANDIN = path.join(ROOT, 'scripts/testbed/nvidia-smi');

/** The GPU query's columns out of a full `--format=csv` capture (header with units). */
function queryLines(file: string): string[] {
  const [header, ...rows] = fs.readFileSync(path.join(CAPS, file), 'utf8').trim().split('\n');
  const cols = header!.split(', ').map((h) => h.replace(/ \[.*\]$/, ''));
  const at = GPU_QUERY_FIELDS.map((f) => cols.indexOf(f));
  expect(at.every((i) => i >= 0)).toBe(true);
  return rows.map((r) => {
    const v = r.split(', ');
    return at.map((i) => v[i]).join(', ');
  });
}

describe('nvidia-smi values', () => {
  it('reads numbers with or without units, and no value as null (never 0)', () => {
    expect(smiNumber(' 81559 MiB')).toBe(81559);
    expect(smiNumber('433.78 W')).toBe(433.78);
    expect(smiNumber('100 %')).toBe(100);
    expect(smiNumber('0')).toBe(0);
    expect(smiNumber('[N/A]')).toBeNull();
    expect(smiNumber(' [Not Supported]')).toBeNull();
    expect(smiNumber('N/A')).toBeNull();
    expect(smiNumber('')).toBeNull();
    expect(smiNumber('[Requested functionality has been deprecated]')).toBeNull();
  });

  it('reads the H100 load capture with units', () => {
    const [line] = queryLines('query-gpu-csv-h100-80gb-hbm3-driver590.48.01-load.csv');
    const r = parseGpuLine(line!);
    expect(r).toMatchObject({ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559 });
    expect(r && 'powerW' in r && r.powerW).toBeGreaterThan(0);
  });

  it('reads a MIG-enabled H100: utilization [N/A] is null, not 0', () => {
    const [line] = queryLines('query-gpu-csv-h100-mig-enabled-driver590.48.01-load.csv');
    expect(parseGpuLine(line!)).toMatchObject({
      utilizationPct: null,
      memoryUsedMiB: 11125,
      temperatureC: 53,
      powerW: 433.78,
    });
  });

  it('reads the Windows RTX capture (power.draw present, idle)', () => {
    const [line] = queryLines('query-gpu-csv-rtx2080super-windows-driver610.62-idle.csv');
    expect(parseGpuLine(line!)).toMatchObject({
      utilizationPct: 0,
      temperatureC: 40,
      powerW: 39.25,
      memoryUsedMiB: 797,
    });
  });

  it('reads an unreachable GPU line as an error with its bus id', () => {
    const text = fs.readFileSync(
      path.join(CAPS, 'error-unable-to-determine-device-handle-unknown-error-RECONSTRUCTED.txt'),
      'utf8',
    );
    expect(parseGpuLine(text.trim())).toEqual({ error: text.trim(), busId: '0000:91:00.0' });
  });

  it('reads compute apps (with units, too), bus ids and parent chains, and cuts their blocks at --end--', () => {
    const lines = fs
      .readFileSync(path.join(CAPS, 'query-compute-apps-csv-h200-driver590.48.01-load.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const apps = lines.map((l) => {
      const v = l.split(', ');
      return parseAppLine(`${v[4]}, ${v[5]}, ${v[7]}`);
    });
    expect(apps[0]).toEqual({
      gpuUuid: 'GPU-00000000-0000-0000-0000-000000000000',
      pid: 10291,
      usedMemoryMiB: 2566,
    });
    const b = new AppBlocks();
    expect(b.push('bus GPU-a, 00000000:3B:00.0')).toBeNull();
    expect(b.push('GPU-a, 12, 100')).toBeNull();
    expect(b.push('chain 12 7 1')).toBeNull();
    expect(b.push('--end--')).toEqual({
      apps: [{ gpuUuid: 'GPU-a', pid: 12, usedMemoryMiB: 100 }],
      busIds: new Map([['GPU-a', '00000000:3B:00.0']]),
      chains: new Map([[12, [12, 7, 1]]]),
    });
    expect(b.push('--end--')).toEqual({ apps: [], busIds: new Map(), chains: new Map() });
  });

  it('cuts a stream into blocks: a GPU seen again starts the next block', () => {
    const b = new GpuBlocks();
    expect(b.push('0, GPU-a, H100, 1, 2, 3, 4, 5', 1)).toBeNull();
    expect(b.push('1, GPU-b, H100, 1, 2, 3, 4, 5', 1)).toBeNull();
    const first = b.push('0, GPU-a, H100, 9, 2, 3, 4, 5', 2)!;
    expect(first.rows.map((r) => r.uuid)).toEqual(['GPU-a', 'GPU-b']);
    expect(b.flush()!.rows[0]!.utilizationPct).toBe(9);
    expect(b.flush()).toBeNull();
  });
});

/** Runs the stand-in as a streaming process and collects its blocks until `until` says stop. */
async function standIn(
  state: object,
  periodMs: number,
  blocks: number,
  onBlock?: (n: number, file: string) => void,
): Promise<GpuBlock[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smi-'));
  const file = path.join(dir, 'gpu.json');
  fs.writeFileSync(file, JSON.stringify(state));
  const child = spawn(
    'python3',
    [
      STANDIN,
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(periodMs),
    ],
    {
      env: { ...process.env, NVIDIA_SMI_STANDIN_STATE: file },
    },
  );
  const out: GpuBlock[] = [];
  const cut = new GpuBlocks();
  let buf = '';
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const take = (b: GpuBlock | null) => {
      if (!b || out.length >= blocks) return;
      out.push(b);
      onBlock?.(out.length, file);
      if (out.length >= blocks) {
        child.kill();
        resolve(out);
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        take(cut.push(buf.slice(0, nl), Date.now()));
        buf = buf.slice(nl + 1);
      }
      clearTimeout(timer);
      timer = setTimeout(() => take(cut.flush()), periodMs / 2);
    });
    child.on('error', reject);
    setTimeout(() => {
      child.kill();
      reject(new Error(`stand-in gave ${out.length} blocks`));
    }, 8000);
  });
}

describe('the testbed GPU stand-in as a live stream', () => {
  it('streams blocks of 2 GPUs; its faults show as unsupported (null), lost and hot', async () => {
    const gpus = new NodeGpus('node1', 85);
    const changes: string[] = [];
    const blocks = await standIn({ node: 'node1', gpus: 2, faults: {} }, 100, 5, (n, file) => {
      // After two healthy blocks: power unsupported, GPU 1 lost, GPU 0 hot (as `testbed fault` does).
      if (n === 2)
        fs.writeFileSync(
          file,
          JSON.stringify({
            node: 'node1',
            gpus: 2,
            faults: { unsupported: ['power.draw'], lost: [1], hot: [0] },
          }),
        );
    });
    for (const b of blocks) for (const c of gpus.applyBlock(b)) changes.push(`${c.kind} ${c.key}`);
    expect(blocks[0]!.rows).toHaveLength(2);
    expect(blocks[0]!.rows[0]!.powerW).toBeGreaterThan(0);
    const last = blocks[blocks.length - 1]!;
    expect(last.rows).toHaveLength(1);
    expect(last.rows[0]!.powerW).toBeNull(); // [Not Supported], not 0
    expect(changes).toEqual(
      expect.arrayContaining(['new node1/0', 'new node1/1', 'lost node1/1', 'hot node1/0']),
    );
    const s = gpus.samples(Date.now(), 3000);
    expect(s.map((g) => [g.key, g.lost, g.hot, g.powerW])).toEqual([
      ['node1/0', false, true, null],
      ['node1/1', true, false, null],
    ]);
    expect(s[1]!.utilizationPct).toBeNull();
  }, 15_000);
});
