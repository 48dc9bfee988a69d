/**
 * Owns every open terminal of one core: ids, a bounded count, each session's output flow
 * (coalescing + ack-based flow control, see output-flow.ts), a bounded replay of recent output
 * for re-attaching windows, and the `terminal.output` / `terminal.exit` events. `dispose()` kills
 * every shell (the core is ending).
 */
import { randomUUID } from 'node:crypto';
import { RaydeckError } from '../../shared';
import {
  MAX_TERMINALS,
  TERMINAL_REPLAY_CHARS,
  type TerminalInfo,
  type TerminalTarget,
} from '../../shared/domain/terminal';
import { OutputFlow } from './output-flow';
import type { TerminalSession, TerminalSize } from './terminal-session';

export interface TerminalEvents {
  output(terminalId: string, seq: number, data: string): void;
  exit(terminalId: string, code: number | null): void;
}

export interface TerminalRegistryOptions {
  events: TerminalEvents;
  /** Makes (does not start) the session for a target; throws a RaydeckError when it cannot exist. */
  createSession(target: TerminalTarget): Promise<{ session: TerminalSession; title: string }>;
  maxTerminals?: number;
  replayChars?: number;
  /** Flow-control figures (tests use small ones). */
  flow?: { chunkChars?: number; flushMs?: number; highWater?: number; lowWater?: number };
}

interface Entry {
  info: TerminalInfo;
  session: TerminalSession;
  flow: OutputFlow;
  replay: string[];
  replayChars: number;
}

export class TerminalRegistry {
  private readonly entries = new Map<string, Entry>();
  private opening = 0;
  private disposed = false;

  constructor(private readonly opts: TerminalRegistryOptions) {}

  async open(target: TerminalTarget, size: TerminalSize): Promise<TerminalInfo> {
    const max = this.opts.maxTerminals ?? MAX_TERMINALS;
    if (this.disposed)
      throw new RaydeckError({
        code: 'conflict',
        message: 'Raydeck is shutting down; no new terminals.',
      });
    if (this.entries.size + this.opening >= max) {
      throw new RaydeckError({
        code: 'conflict',
        message: `${max} terminals are open, the most Raydeck keeps; close one first.`,
      });
    }
    this.opening += 1;
    try {
      const { session, title } = await this.opts.createSession(target);
      const id = randomUUID();
      const info: TerminalInfo = {
        id,
        target,
        title,
        state: 'running',
        exitCode: null,
        cols: size.cols,
        rows: size.rows,
      };
      const entry: Entry = {
        info,
        session,
        replay: [],
        replayChars: 0,
        flow: new OutputFlow({
          ...this.opts.flow,
          source: session,
          send: (seq, data) => {
            this.remember(entry, data);
            this.opts.events.output(id, seq, data);
          },
        }),
      };
      session.onOutput((data) => entry.flow.push(data));
      session.onExit((code) => {
        entry.flow.flush();
        entry.info = { ...entry.info, state: 'exited', exitCode: code };
        this.opts.events.exit(id, code);
      });
      try {
        await session.start(size);
      } catch (err) {
        entry.flow.dispose();
        if (err instanceof RaydeckError) throw err;
        throw new RaydeckError({
          code: 'internal',
          message: `Could not open the shell: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
      if (this.disposed) {
        session.kill();
        throw new RaydeckError({
          code: 'conflict',
          message: 'Raydeck is shutting down; no new terminals.',
        });
      }
      this.entries.set(id, entry);
      return entry.info;
    } finally {
      this.opening -= 1;
    }
  }

  write(id: string, data: string): number {
    const entry = this.get(id);
    if (entry.info.state === 'exited')
      throw new RaydeckError({
        code: 'conflict',
        message: 'This shell has ended; open a new terminal.',
      });
    entry.session.write(data);
    return data.length;
  }

  resize(id: string, size: TerminalSize): TerminalInfo {
    const entry = this.get(id);
    if (entry.info.state === 'running') entry.session.resize(size);
    entry.info = { ...entry.info, cols: size.cols, rows: size.rows };
    return entry.info;
  }

  ack(id: string, chars: number): number {
    const entry = this.get(id);
    entry.flow.ack(chars);
    return entry.flow.unacked;
  }

  /** Recent output and where it ends; forgives unacknowledged output so a paused shell goes on. */
  attach(id: string): { info: TerminalInfo; replay: string; seq: number } {
    const entry = this.get(id);
    entry.flow.flush();
    entry.flow.forgive();
    return { info: entry.info, replay: entry.replay.join(''), seq: entry.flow.seq };
  }

  close(id: string): void {
    const entry = this.get(id);
    this.entries.delete(id);
    entry.flow.dispose();
    if (entry.info.state === 'running') entry.session.kill();
  }

  list(): TerminalInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  /** Kills every shell; later opens are refused. */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.entries.keys()]) this.close(id);
  }

  private get(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry)
      throw new RaydeckError({
        code: 'not_found',
        message: `No open terminal with id ${id}; it was closed or Raydeck restarted.`,
      });
    return entry;
  }

  private remember(entry: Entry, data: string): void {
    const max = this.opts.replayChars ?? TERMINAL_REPLAY_CHARS;
    entry.replay.push(data);
    entry.replayChars += data.length;
    while (entry.replayChars > max && entry.replay.length > 0) {
      const first = entry.replay[0]!;
      const excess = entry.replayChars - max;
      if (first.length <= excess) {
        entry.replay.shift();
        entry.replayChars -= first.length;
      } else {
        entry.replay[0] = first.slice(excess);
        entry.replayChars -= excess;
      }
    }
  }
}
