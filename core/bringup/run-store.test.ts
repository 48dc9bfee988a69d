/** Step logs on disk: each batch's offset, tails with their end, order kept under pile-ups, offsets across a restart. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';
import { RunStore, stepLogBytes as bytes } from './run-store';

const tempHome = useTempHomes();

describe('RunStore step logs', () => {
  it('gives each batch its byte offset and each tail the log end', async () => {
    const store = new RunStore(path.join(tempHome(), 'bringup'));
    expect(await store.readLog('r1', 'n1', 'install')).toEqual({ lines: [], end: 0 });
    expect(await store.appendLog('r1', 'n1', 'install', ['Collecting ray', 'é ünïcode'])).toBe(0);
    expect(await store.appendLog('r1', 'n1', 'install', ['Installing'])).toBe(
      bytes(['Collecting ray', 'é ünïcode']),
    );
    expect(await store.appendLog('r1', 'n2', 'install', ['other node'])).toBe(0);
    expect(await store.readLog('r1', 'n1', 'install')).toEqual({
      lines: ['Collecting ray', 'é ünïcode', 'Installing'],
      end: bytes(['Collecting ray', 'é ünïcode', 'Installing']),
    });
  });

  it('keeps batches in call order when appends and reads pile up, and a read sees every append called before it', async () => {
    const store = new RunStore(path.join(tempHome(), 'bringup'));
    const batches = Array.from({ length: 60 }, (_, i) => [
      `line ${i}a`,
      `line ${i}b`.repeat(1 + (i % 7)),
    ]);
    const offsets = batches.map((b) => store.appendLog('r1', 'n1', 'install', b));
    const tail = store.readLog('r1', 'n1', 'install');
    const later = store.appendLog('r1', 'n1', 'install', ['after the read']);
    let expected = 0;
    for (const [i, at] of (await Promise.all(offsets)).entries()) {
      expect(at).toBe(expected);
      expected += bytes(batches[i]!);
    }
    expect(await tail).toEqual({ lines: batches.flat(), end: expected });
    expect(await later).toBe(expected);
  });

  it('goes on from the file after a restart, and reads only the last lines of a long log', async () => {
    const dir = path.join(tempHome(), 'bringup');
    const first = new RunStore(dir);
    const many = Array.from({ length: 2500 }, (_, i) => `pip line ${i}`);
    await first.appendLog('r1', 'n1', 'install', many);
    const second = new RunStore(dir);
    expect(await second.appendLog('r1', 'n1', 'install', ['resumed'])).toBe(bytes(many));
    const tail = await second.readLog('r1', 'n1', 'install', 3);
    expect(tail).toEqual({
      lines: ['pip line 2498', 'pip line 2499', 'resumed'],
      end: bytes([...many, 'resumed']),
    });
    expect(fs.statSync(path.join(dir, 'r1', 'n1.install.log')).mode & 0o777).toBe(0o600);
  });

  it("starts a removed run's logs over at 0", async () => {
    const store = new RunStore(path.join(tempHome(), 'bringup'));
    await store.appendLog('r1', 'n1', 'install', ['x']);
    await store.remove('r1');
    expect(await store.readLog('r1', 'n1', 'install')).toEqual({ lines: [], end: 0 });
    expect(await store.appendLog('r1', 'n1', 'install', ['y'])).toBe(0);
  });
});
