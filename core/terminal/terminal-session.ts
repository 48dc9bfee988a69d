/**
 * One shell behind a terminal tab, whatever runs it (Tabby's BaseSession): start / write /
 * resize / kill, an output stream and an exit, plus pause/resume so flow control can hold the
 * producer back. LocalPtySession (node-pty) and SshShellSession (an ssh2 shell channel) implement it.
 */
import type { Unsubscribe } from '../../shared';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface TerminalSession {
  /** Starts the shell; rejects with a readable reason when it cannot start. */
  start(size: TerminalSize): Promise<void>;
  write(data: string): void;
  resize(size: TerminalSize): void;
  /** Ends the shell; an exit follows (once). */
  kill(): void;
  /** Stops reading output (the producer blocks once its buffers fill). */
  pause(): void;
  resume(): void;
  onOutput(listener: (data: string) => void): Unsubscribe;
  /** Called once when the shell ends: its exit code, or null (signal, dropped connection). */
  onExit(listener: (code: number | null) => void): Unsubscribe;
}

/** The listener plumbing every session shares; subclasses call `emitOutput` / `emitExit`. */
export abstract class BaseTerminalSession implements TerminalSession {
  private readonly outputListeners = new Set<(data: string) => void>();
  private readonly exitListeners = new Set<(code: number | null) => void>();
  private exited = false;

  abstract start(size: TerminalSize): Promise<void>;
  abstract write(data: string): void;
  abstract resize(size: TerminalSize): void;
  abstract kill(): void;
  abstract pause(): void;
  abstract resume(): void;

  get hasExited(): boolean {
    return this.exited;
  }

  onOutput(listener: (data: string) => void): Unsubscribe {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  onExit(listener: (code: number | null) => void): Unsubscribe {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  protected emitOutput(data: string): void {
    if (data.length === 0) return;
    for (const l of [...this.outputListeners]) l(data);
  }

  protected emitExit(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const l of [...this.exitListeners]) l(code);
  }
}
