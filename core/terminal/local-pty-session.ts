/**
 * A shell on this machine through node-pty: the user's $SHELL (else /bin/bash, cmd.exe on
 * Windows) in their home folder, TERM=xterm-256color. node-pty's pause/resume stop reading the
 * pty, so a flooding program blocks on write instead of flooding the UI.
 */
import os from 'node:os';
import { spawn, type IPty } from 'node-pty';
import { BaseTerminalSession, type TerminalSize } from './terminal-session';

export interface LocalShellOptions {
  /** The program to run; default: $SHELL, else /bin/bash (cmd.exe on Windows). */
  shell?: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function defaultShell(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return env.COMSPEC ?? 'cmd.exe';
  return env.SHELL && env.SHELL.startsWith('/') ? env.SHELL : '/bin/bash';
}

export class LocalPtySession extends BaseTerminalSession {
  private pty: IPty | null = null;

  constructor(private readonly opts: LocalShellOptions = {}) {
    super();
  }

  async start(size: TerminalSize): Promise<void> {
    const env: Record<string, string> = { TERM: 'xterm-256color', COLORTERM: 'truecolor' };
    for (const [key, value] of Object.entries(this.opts.env ?? process.env)) {
      // Raydeck's own settings (RAYDECK_HOME, test switches) are not the shell's business.
      if (
        value !== undefined &&
        !key.startsWith('RAYDECK_') &&
        key !== 'TERM' &&
        key !== 'COLORTERM'
      )
        env[key] = value;
    }
    const file = this.opts.shell ?? defaultShell(env);
    let pty: IPty;
    try {
      pty = spawn(file, this.opts.args ?? [], {
        name: 'xterm-256color',
        cols: size.cols,
        rows: size.rows,
        cwd: this.opts.cwd ?? os.homedir(),
        env,
      });
    } catch (err) {
      throw new Error(
        `Could not start ${file}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    this.pty = pty;
    pty.onData((data) => this.emitOutput(data));
    pty.onExit(({ exitCode, signal }) => {
      this.pty = null;
      this.emitExit(signal ? null : exitCode);
    });
  }

  write(data: string): void {
    this.pty?.write(data);
  }

  resize(size: TerminalSize): void {
    try {
      this.pty?.resize(size.cols, size.rows);
    } catch {
      // the pty closed between the check and the call; its exit is on its way
    }
  }

  kill(): void {
    try {
      this.pty?.kill();
    } catch {
      // already gone
    }
  }

  pause(): void {
    this.pty?.pause();
  }

  resume(): void {
    this.pty?.resume();
  }
}
