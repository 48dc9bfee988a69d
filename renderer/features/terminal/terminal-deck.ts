/**
 * The renderer's side of every open terminal, for one core client: the tab list (a small zustand
 * store), one output subscription routed by terminal id, and the ack half of flow control — each
 * chunk is written to its terminal and acknowledged only once the terminal has drawn it, so the
 * core pauses a flooding shell instead of this window drowning. It outlives the Terminal page
 * (tabs and scrollback survive navigating away) and re-attaches to the core's terminals after a
 * reload (recent output replayed).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { RaydeckError, type RaydeckClient, type Unsubscribe } from '../../../shared';
import {
  MAX_TERMINAL_WRITE,
  type TerminalInfo,
  type TerminalTarget,
} from '../../../shared/domain/terminal';

/** What the deck needs of a terminal view (an xterm instance in the app; a fake in tests). */
export interface TerminalView {
  /** Draws data; `done` runs once it has been processed (xterm's write callback). */
  write(data: string, done: () => void): void;
  dispose(): void;
}

export interface TerminalTab {
  id: string;
  title: string;
  target: TerminalTarget;
  state: 'running' | 'exited';
  exitCode: number | null;
}

export interface DeckState {
  tabs: TerminalTab[];
  activeId: string | null;
  /** The last thing that went wrong (opening a shell, ...), shown above the tabs. */
  error: string | null;
}

/** Output held for a terminal this window does not know yet (its open call has not answered). */
const MAX_EARLY_CHARS = 1024 * 1024;
/** Acks are batched: sent at this size, or after ACK_DELAY_MS. */
const ACK_BATCH_CHARS = 32 * 1024;
const ACK_DELAY_MS = 15;

interface Attached<V> {
  view: V;
  /** Chunks with seq <= this were already drawn (replayed). */
  seenSeq: number;
  unackedDrawn: number;
  ackTimer: ReturnType<typeof setTimeout> | null;
}

export class TerminalDeck<V extends TerminalView = TerminalView> {
  readonly store: StoreApi<DeckState> = createStore<DeckState>(() => ({
    tabs: [],
    activeId: null,
    error: null,
  }));
  private readonly attached = new Map<string, Attached<V>>();
  private readonly early = new Map<string, { seq: number; data: string }[]>();
  private readonly earlyExits = new Map<string, number | null>();
  private readonly subscriptions: Unsubscribe[];

  constructor(
    private readonly client: RaydeckClient,
    private readonly createView: (tab: TerminalTab, size: { cols: number; rows: number }) => V,
  ) {
    this.subscriptions = [
      client.subscribe('terminal.output', ({ terminalId, seq, data }) =>
        this.onOutput(terminalId, seq, data),
      ),
      client.subscribe('terminal.exit', ({ terminalId, code }) => this.onExit(terminalId, code)),
    ];
  }

  /** Picks up the terminals the core already has (after a reload), with their recent output. */
  async restore(): Promise<void> {
    const list = await this.client.call('terminal.list', {});
    for (const info of list) {
      if (this.attached.has(info.id)) continue;
      const {
        info: latest,
        replay,
        seq,
      } = await this.client.call('terminal.attach', { terminalId: info.id });
      this.adopt(latest, seq, replay);
    }
  }

  async open(
    target: TerminalTarget,
    size: { cols: number; rows: number },
  ): Promise<TerminalTab | null> {
    try {
      const info = await this.client.call('terminal.open', { target, ...size });
      this.store.setState({ error: null });
      return this.adopt(info, 0, '');
    } catch (err) {
      this.store.setState({
        error: err instanceof RaydeckError ? err.message : 'Could not open the shell.',
      });
      return null;
    }
  }

  view(id: string): V | undefined {
    return this.attached.get(id)?.view;
  }

  activate(id: string): void {
    this.store.setState({ activeId: id });
  }

  dismissError(): void {
    this.store.setState({ error: null });
  }

  /** Sends typed or pasted text, in parts no bigger than the core accepts, in order. */
  input(id: string, data: string): void {
    for (let at = 0; at < data.length; at += MAX_TERMINAL_WRITE) {
      this.client
        .call('terminal.write', { terminalId: id, data: data.slice(at, at + MAX_TERMINAL_WRITE) })
        .catch(() => {
          // The shell ended or was closed; its exit state is already on the tab.
        });
    }
  }

  resize(id: string, cols: number, rows: number): void {
    this.client.call('terminal.resize', { terminalId: id, cols, rows }).catch(() => {});
  }

  async close(id: string): Promise<void> {
    const entry = this.attached.get(id);
    this.attached.delete(id);
    if (entry?.ackTimer) clearTimeout(entry.ackTimer);
    entry?.view.dispose();
    this.store.setState((s) => {
      const index = s.tabs.findIndex((t) => t.id === id);
      const tabs = s.tabs.filter((t) => t.id !== id);
      const activeId =
        s.activeId === id ? (tabs[Math.min(index, tabs.length - 1)]?.id ?? null) : s.activeId;
      return { tabs, activeId };
    });
    await this.client.call('terminal.close', { terminalId: id }).catch(() => {});
  }

  dispose(): void {
    for (const off of this.subscriptions) off();
    for (const entry of this.attached.values()) {
      if (entry.ackTimer) clearTimeout(entry.ackTimer);
      entry.view.dispose();
    }
    this.attached.clear();
  }

  private adopt(info: TerminalInfo, seenSeq: number, replay: string): TerminalTab {
    const tab: TerminalTab = {
      id: info.id,
      title: info.title,
      target: info.target,
      state: info.state,
      exitCode: info.exitCode,
    };
    const view = this.createView(tab, { cols: info.cols, rows: info.rows });
    this.attached.set(info.id, { view, seenSeq, unackedDrawn: 0, ackTimer: null });
    this.store.setState((s) => ({ tabs: [...s.tabs, tab], activeId: info.id }));
    if (replay) view.write(replay, () => {});
    for (const chunk of this.early.get(info.id) ?? [])
      this.onOutput(info.id, chunk.seq, chunk.data);
    this.early.delete(info.id);
    const exit = this.earlyExits.get(info.id);
    if (exit !== undefined) this.onExit(info.id, exit);
    this.earlyExits.delete(info.id);
    return tab;
  }

  private onOutput(id: string, seq: number, data: string): void {
    const entry = this.attached.get(id);
    if (!entry) {
      this.holdEarly(id, seq, data);
      return;
    }
    if (seq <= entry.seenSeq) return;
    entry.seenSeq = seq;
    entry.view.write(data, () => this.drawn(id, entry, data.length));
  }

  private drawn(id: string, entry: Attached<V>, chars: number): void {
    entry.unackedDrawn += chars;
    if (entry.unackedDrawn >= ACK_BATCH_CHARS) this.sendAck(id, entry);
    else if (entry.ackTimer === null)
      entry.ackTimer = setTimeout(() => this.sendAck(id, entry), ACK_DELAY_MS);
  }

  private sendAck(id: string, entry: Attached<V>): void {
    if (entry.ackTimer) clearTimeout(entry.ackTimer);
    entry.ackTimer = null;
    const bytes = entry.unackedDrawn;
    entry.unackedDrawn = 0;
    if (bytes > 0 && this.attached.get(id) === entry)
      this.client.call('terminal.ack', { terminalId: id, bytes }).catch(() => {});
  }

  private holdEarly(id: string, seq: number, data: string): void {
    // Output of terminals this window never opens (another window's) must not pile up.
    if (!this.early.has(id) && this.early.size >= 64)
      this.early.delete(this.early.keys().next().value as string);
    const list = this.early.get(id) ?? [];
    list.push({ seq, data });
    let total = list.reduce((n, c) => n + c.data.length, 0);
    while (total > MAX_EARLY_CHARS && list.length > 1) total -= list.shift()!.data.length;
    this.early.set(id, list);
  }

  private onExit(id: string, code: number | null): void {
    if (!this.attached.has(id)) {
      this.earlyExits.set(id, code);
      return;
    }
    this.store.setState((s) => ({
      tabs: s.tabs.map((t) =>
        t.id === id ? { ...t, state: 'exited' as const, exitCode: code } : t,
      ),
    }));
  }
}
