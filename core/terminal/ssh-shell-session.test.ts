/** SshShellSession over a fake ShellChannel (a PassThrough pair): output, input, resize, pause, exit codes. */
import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ShellChannel, ShellOptions } from '../ssh/types';
import { SshShellSession } from './ssh-shell-session';

/** What the node would see: what was typed, the window sizes asked for. */
class FakeChannel extends Duplex implements ShellChannel {
  readonly typed = new PassThrough();
  readonly windows: [number, number][] = [];
  constructor() {
    super({ allowHalfOpen: false });
  }
  override _read() {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    this.typed.write(chunk);
    cb();
  }
  setWindow(rows: number, cols: number) {
    this.windows.push([rows, cols]);
  }
  /** The node prints something. */
  print(data: Buffer | string) {
    this.push(data);
  }
  /** The remote shell exits with `code` and the channel closes. */
  exitWith(code: number | null) {
    this.emit('exit', code);
    this.push(null);
    this.destroy();
  }
}

async function started() {
  const channel = new FakeChannel();
  const asked: ShellOptions[] = [];
  const session = new SshShellSession(async (opts) => {
    asked.push(opts);
    return channel;
  });
  const output: string[] = [];
  const exits: (number | null)[] = [];
  session.onOutput((d) => output.push(d));
  session.onExit((c) => exits.push(c));
  await session.start({ cols: 120, rows: 40 });
  return { channel, session, output, exits, asked };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SshShellSession', () => {
  it('opens the shell at the tab size with a 256-colour TERM', async () => {
    const { asked } = await started();
    expect(asked).toEqual([{ cols: 120, rows: 40, term: 'xterm-256color' }]);
  });

  it('passes output through, decoding UTF-8 split across packets', async () => {
    const { channel, output } = await started();
    const bytes = Buffer.from('héllo ✓\n', 'utf8');
    channel.print(bytes.subarray(0, 2));
    channel.print(bytes.subarray(2, 8));
    channel.print(bytes.subarray(8));
    await tick();
    expect(output.join('')).toBe('héllo ✓\n');
  });

  it('sends typed input to the node and resizes with rows first', async () => {
    const { channel, session } = await started();
    session.write('ls -la\r');
    session.resize({ cols: 80, rows: 24 });
    await tick();
    expect(channel.typed.read()?.toString()).toBe('ls -la\r');
    expect(channel.windows).toEqual([[24, 80]]);
  });

  it('stops reading while paused and delivers everything after resume', async () => {
    const { channel, session, output } = await started();
    session.pause();
    channel.print('held back');
    await tick();
    expect(output).toEqual([]);
    session.resume();
    await tick();
    expect(output.join('')).toBe('held back');
  });

  it('reports the remote exit code once the channel closes', async () => {
    const { channel, exits } = await started();
    channel.exitWith(3);
    await tick();
    expect(exits).toEqual([3]);
  });

  it('reports a dropped connection as an exit without a code', async () => {
    const { channel, exits } = await started();
    channel.destroy(new Error('connection reset'));
    await tick();
    expect(exits).toEqual([null]);
  });

  it('kill() ends the channel and the session exits', async () => {
    const { channel, session, exits } = await started();
    channel.on('finish', () => channel.exitWith(null));
    session.kill();
    await tick();
    await tick();
    expect(exits).toEqual([null]);
  });

  it('fails start with the reason the node connection gave', async () => {
    const session = new SshShellSession(async () => {
      throw new Error('gpu-1: host key CHANGED');
    });
    await expect(session.start({ cols: 80, rows: 24 })).rejects.toThrow('host key CHANGED');
  });
});
