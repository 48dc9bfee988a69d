/**
 * One tab's xterm.js instance: a host element it lives in (moved between page visits, never
 * re-created, so scrollback survives), the fit addon (cells follow the container's size, sent to
 * the shell), Ctrl+Shift+C / Ctrl+Shift+V for copy and paste, and theme colours.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { TerminalView } from './terminal-deck';
import { readCssVar, terminalTheme } from './terminal-theme';

export interface XtermViewHandlers {
  onInput(data: string): void;
  onResize(cols: number, rows: number): void;
}

export class XtermView implements TerminalView {
  readonly element: HTMLDivElement;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private opened = false;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    size: { cols: number; rows: number },
    theme: 'dark' | 'light',
    handlers: XtermViewHandlers,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'xterm-host';
    this.term = new Terminal({
      cols: size.cols,
      rows: size.rows,
      fontFamily: readCssVar('--mono') || 'monospace',
      fontSize: 13,
      scrollback: 5000,
      cursorBlink: true,
      allowProposedApi: false,
      theme: terminalTheme(theme),
    });
    this.term.loadAddon(this.fitAddon);
    this.term.onData((data) => handlers.onInput(data));
    // Resizes come in bursts while a window is dragged; the shell needs only the last one.
    this.term.onResize(({ cols, rows }) => {
      if (this.resizeTimer) clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => handlers.onResize(cols, rows), 60);
    });
    this.term.attachCustomKeyEventHandler((e) => {
      if (!e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return true;
      if (e.code === 'KeyC') {
        if (e.type === 'keydown') this.copy();
        e.preventDefault();
        return false;
      }
      if (e.code === 'KeyV') {
        if (e.type === 'keydown') void this.pasteFromClipboard();
        e.preventDefault();
        return false;
      }
      return true;
    });
  }

  /** Puts the terminal into `parent` (opening it the first time) and fits it. */
  mount(parent: HTMLElement): void {
    if (this.element.parentElement !== parent) parent.appendChild(this.element);
    if (!this.opened) {
      this.term.open(this.element);
      this.opened = true;
    }
    this.fit();
  }

  /** Fits the cells to the container; skipped while hidden (a hidden tab has no size). */
  fit(): void {
    if (!this.opened || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    this.fitAddon.fit();
  }

  focus(): void {
    this.term.focus();
  }

  setTheme(theme: 'dark' | 'light'): void {
    this.term.options.theme = terminalTheme(theme);
  }

  write(data: string, done: () => void): void {
    this.term.write(data, done);
  }

  hasSelection(): boolean {
    return this.term.hasSelection();
  }

  /** Copies the selection to the clipboard; true when there was one. */
  copy(): boolean {
    const text = this.term.getSelection();
    if (!text) return false;
    navigator.clipboard.writeText(text).catch(() => {
      // No clipboard permission (browser mode over plain http on another host); nothing to do.
    });
    return true;
  }

  async pasteFromClipboard(): Promise<void> {
    try {
      const text = await navigator.clipboard.readText();
      // term.paste normalises newlines and adds bracketed-paste markers when the shell asked for them.
      if (text) this.term.paste(text);
    } catch {
      // Clipboard read refused; the browser's own paste (Ctrl+V / middle click) still works.
    }
    this.term.focus();
  }

  /** The visible screen as text (tests and "copy all" use it). */
  screenText(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++)
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  dispose(): void {
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.term.dispose();
    this.element.remove();
  }
}
