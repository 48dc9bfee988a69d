/** TerminalRegistry with fake sessions: ids, the bound on open terminals, exits, replay, and dispose killing every shell. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RaydeckError } from '../../shared';
import { TerminalRegistry } from './terminal-registry';
import { BaseTerminalSession, type TerminalSize } from './terminal-session';

class FakeSession extends BaseTerminalSession {
  killed = false;
  written: string[] = [];
  sizes: TerminalSize[] = [];
  paused = false;
  async start(size: TerminalSize) {
    this.sizes.push(size);
  }
  write(data: string) {
    this.written.push(data);
  }
  resize(size: TerminalSize) {
    this.sizes.push(size);
  }
  kill() {
    this.killed = true;
    this.emitExit(null);
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  print(data: string) {
    this.emitOutput(data);
  }
  exit(code: number) {
    this.emitExit(code);
  }
}

function setup(max = 3) {
  const sessions: FakeSession[] = [];
  const outputs: { id: string; seq: number; data: string }[] = [];
  const exits: { id: string; code: number | null }[] = [];
  const registry = new TerminalRegistry({
    maxTerminals: max,
    replayChars: 10,
    flow: { flushMs: 1, chunkChars: 4, highWater: 8, lowWater: 4 },
    events: {
      output: (id, seq, data) => outputs.push({ id, seq, data }),
      exit: (id, code) => exits.push({ id, code }),
    },
    createSession: async () => {
      const s = new FakeSession();
      sessions.push(s);
      return { session: s, title: 'Local shell' };
    },
  });
  return { registry, sessions, outputs, exits };
}

afterEach(() => vi.useRealTimers());

describe('TerminalRegistry', () => {
  it('opens terminals with distinct ids at the asked size and lists them', async () => {
    const { registry, sessions } = setup();
    const a = await registry.open({ kind: 'local' }, { cols: 100, rows: 30 });
    const b = await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    expect(a.id).not.toBe(b.id);
    expect(sessions[0]!.sizes).toEqual([{ cols: 100, rows: 30 }]);
    expect(registry.list().map((t) => [t.title, t.state, t.cols])).toEqual([
      ['Local shell', 'running', 100],
      ['Local shell', 'running', 80],
    ]);
  });

  it('refuses more than the bound with a message saying what to do', async () => {
    const { registry } = setup(2);
    await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    const err = await registry
      .open({ kind: 'local' }, { cols: 80, rows: 24 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RaydeckError);
    expect((err as RaydeckError).message).toBe(
      '2 terminals are open, the most Raydeck keeps; close one first.',
    );
  });

  it('routes writes and resizes to the right shell; unknown ids are not_found', async () => {
    const { registry, sessions } = setup();
    const a = await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    registry.write(a.id, 'ls\r');
    expect(registry.resize(a.id, { cols: 132, rows: 50 })).toMatchObject({ cols: 132, rows: 50 });
    expect(sessions[0]!.written).toEqual(['ls\r']);
    expect(sessions[0]!.sizes.at(-1)).toEqual({ cols: 132, rows: 50 });
    expect(() => registry.write('nope', 'x')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('reports an exit after all the output before it, keeps the tab listed as exited and refuses input', async () => {
    const { registry, sessions, outputs, exits } = setup();
    const a = await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    sessions[0]!.print('bye');
    sessions[0]!.exit(7);
    expect(outputs).toEqual([{ id: a.id, seq: 1, data: 'bye' }]);
    expect(exits).toEqual([{ id: a.id, code: 7 }]);
    expect(registry.list()[0]).toMatchObject({ state: 'exited', exitCode: 7 });
    expect(() => registry.write(a.id, 'x')).toThrow('This shell has ended; open a new terminal.');
  });

  it('pauses a flooding shell until the UI acks, and attach() replays recent output and forgives', async () => {
    const { registry, sessions } = setup();
    const a = await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    sessions[0]!.print('0123456789abcdef');
    expect(sessions[0]!.paused).toBe(true);
    expect(registry.ack(a.id, 12)).toBe(4);
    expect(sessions[0]!.paused).toBe(false);
    sessions[0]!.print('ghijklmn');
    expect(sessions[0]!.paused).toBe(true);
    const attached = registry.attach(a.id);
    expect(attached.replay).toBe('efghijklmn');
    expect(attached.seq).toBe(6);
    expect(sessions[0]!.paused).toBe(false);
  });

  it('close() kills a running shell and forgets it; dispose() kills all and refuses new ones', async () => {
    const { registry, sessions } = setup();
    const a = await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    await registry.open({ kind: 'local' }, { cols: 80, rows: 24 });
    registry.close(a.id);
    expect(sessions[0]!.killed).toBe(true);
    expect(registry.list()).toHaveLength(1);
    registry.dispose();
    expect(sessions[1]!.killed).toBe(true);
    expect(registry.list()).toEqual([]);
    await expect(registry.open({ kind: 'local' }, { cols: 80, rows: 24 })).rejects.toThrow(
      'shutting down',
    );
  });

  it('turns a shell that cannot start into a readable error and does not count it', async () => {
    const registry = new TerminalRegistry({
      maxTerminals: 1,
      events: { output: () => {}, exit: () => {} },
      createSession: async () => {
        const s = new FakeSession();
        s.start = async () => {
          throw new Error('spawn /bin/nosh ENOENT');
        };
        return { session: s, title: 'x' };
      },
    });
    await expect(registry.open({ kind: 'local' }, { cols: 80, rows: 24 })).rejects.toThrow(
      'Could not open the shell: spawn /bin/nosh ENOENT',
    );
    expect(registry.list()).toEqual([]);
  });
});
