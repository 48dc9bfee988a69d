/**
 * A login shell on a node: wraps the ShellChannel a NodeConnection hands out (an ssh2 channel
 * with a pty). Output bytes are decoded as UTF-8 across chunk borders; pausing the channel stops
 * reading it, so ssh2's window fills and the node's program blocks instead of flooding the UI.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ShellChannel, ShellOptions } from '../ssh/types';
import { BaseTerminalSession, type TerminalSize } from './terminal-session';

/** Opens a shell channel on a node; rejects with a readable reason (not connected, refused...). */
export type OpenShell = (opts: ShellOptions) => Promise<ShellChannel>;

export class SshShellSession extends BaseTerminalSession {
  private channel: ShellChannel | null = null;
  private exitCode: number | null = null;

  constructor(private readonly openShell: OpenShell) {
    super();
  }

  async start(size: TerminalSize): Promise<void> {
    const channel = await this.openShell({
      cols: size.cols,
      rows: size.rows,
      term: 'xterm-256color',
    });
    this.channel = channel;
    const decoder = new StringDecoder('utf8');
    channel.on('data', (chunk: Buffer | string) =>
      this.emitOutput(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
    );
    // ssh2 also delivers the remote stderr on the channel's `stderr` stream (none with a pty, but harmless).
    const stderr = (channel as ShellChannel & { stderr?: NodeJS.ReadableStream }).stderr;
    stderr?.on('data', (chunk: Buffer | string) =>
      this.emitOutput(typeof chunk === 'string' ? chunk : chunk.toString('utf8')),
    );
    // ssh2 emits ('exit', code) or ('exit', null, signal) before 'close'.
    channel.on('exit', (code: unknown) => {
      this.exitCode = typeof code === 'number' ? code : null;
    });
    const finish = () => {
      const rest = decoder.end();
      if (rest) this.emitOutput(rest);
      this.channel = null;
      this.emitExit(this.exitCode);
    };
    channel.once('close', finish);
    channel.on('error', () => {
      // a dropped connection: the channel closes next and the tab shows it ended
    });
  }

  write(data: string): void {
    if (this.channel && !this.channel.writableEnded) this.channel.write(data);
  }

  resize(size: TerminalSize): void {
    // ssh2's setWindow takes rows first; the pixel size is optional (0 = unknown).
    this.channel?.setWindow(size.rows, size.cols, 0, 0);
  }

  kill(): void {
    const channel = this.channel;
    if (!channel) return;
    channel.end();
    // Some servers keep a shell around after EOF; a channel close ends it for sure.
    setTimeout(() => {
      if (!channel.destroyed) channel.destroy();
    }, 1000).unref();
  }

  pause(): void {
    this.channel?.pause();
  }

  resume(): void {
    this.channel?.resume();
  }
}
