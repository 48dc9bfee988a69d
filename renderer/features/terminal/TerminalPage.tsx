/**
 * The Terminal page: tabs of shells (local, or on a node over SSH), each an xterm.js terminal
 * that fills the page and follows its size; an empty state that says how to start; errors (a
 * node that cannot be reached) shown above the tabs. Tabs live in the TerminalDeck, so they
 * survive leaving the page and reloading the window.
 */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { TerminalTarget } from '../../../shared/domain/terminal';
import { useShell } from '../../shell/ui-store';
import { NodeShellPicker } from './NodeShellPicker';
import { TerminalPane } from './TerminalPane';
import type { TerminalTab } from './terminal-deck';
import { useTerminalDeck } from './use-terminal-deck';
import '@xterm/xterm/css/xterm.css';
import './terminal.css';
import { ErrorBanner } from '../../ui';

/** "Local shell", "Local shell 2", ...: tabs with the same title get numbers in opening order. */
export function tabLabels(tabs: readonly TerminalTab[]): Map<string, string> {
  const seen = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const tab of tabs) {
    const n = (seen.get(tab.title) ?? 0) + 1;
    seen.set(tab.title, n);
    labels.set(tab.id, n === 1 ? tab.title : `${tab.title} ${n}`);
  }
  return labels;
}

export function TerminalPage() {
  const { deck } = useTerminalDeck();
  const tabs = useStore(deck.store, (s) => s.tabs);
  const activeId = useStore(deck.store, (s) => s.activeId);
  const error = useStore(deck.store, (s) => s.error);
  const theme = useShell((s) => s.theme);
  const panes = useRef<HTMLDivElement>(null);
  const labels = tabLabels(tabs);

  useEffect(() => {
    // The shell sets [data-theme] in its own effect, after ours: read the CSS variables a frame later.
    const frame = requestAnimationFrame(() => {
      for (const t of deck.store.getState().tabs) deck.view(t.id)?.setTheme(theme);
    });
    return () => cancelAnimationFrame(frame);
  }, [theme, deck, tabs.length]);

  const open = (target: TerminalTarget) => {
    // A first guess from the free space; the fit addon corrects it as soon as the tab shows.
    const box = panes.current?.getBoundingClientRect();
    const cols = box && box.width > 0 ? Math.max(20, Math.floor(box.width / 8)) : 100;
    const rows = box && box.height > 0 ? Math.max(5, Math.floor(box.height / 17)) : 30;
    void deck.open(target, { cols: Math.min(cols, 1000), rows: Math.min(rows, 500) });
  };

  return (
    <section className="page terminal-page">
      <div className="terminal-toolbar">
        <div className="terminal-tabs" role="tablist" aria-label="Terminals">
          {tabs.map((t) => (
            <div
              key={t.id}
              className={t.id === activeId ? 'terminal-tab active' : 'terminal-tab'}
              data-state={t.state}
            >
              <button
                role="tab"
                aria-selected={t.id === activeId}
                aria-controls={`terminal-panel-${t.id}`}
                className="terminal-tab-name"
                onClick={() => deck.activate(t.id)}
                data-testid="terminal-tab"
              >
                <span aria-hidden className="terminal-tab-icon">
                  {t.target.kind === 'ssh' ? '⇄' : '›_'}
                </span>
                {labels.get(t.id)}
                {t.state === 'exited' ? (
                  <span className="terminal-tab-exited"> · ended</span>
                ) : null}
              </button>
              <button
                className="terminal-tab-close"
                aria-label={`Close ${labels.get(t.id) ?? ''}`}
                title="Close"
                onClick={() => void deck.close(t.id)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
        <div className="terminal-actions">
          <button className="btn" onClick={() => open({ kind: 'local' })}>
            New local shell
          </button>
          <NodeShellPicker onPick={(nodeId) => open({ kind: 'ssh', nodeId })} />
        </div>
      </div>
      <ErrorBanner error={error}>
        {error}{' '}
        <button className="btn small ghost" onClick={() => deck.dismissError()}>
          Dismiss
        </button>
      </ErrorBanner>
      <div className="terminal-panes" ref={panes}>
        {tabs.length === 0 ? (
          <div className="empty-state" data-testid="terminal-empty">
            <div className="empty-icon" aria-hidden>
              ›_
            </div>
            <h2>No terminals open</h2>
            <p>
              Open a shell on this machine, or on one of your nodes over SSH. Each shell gets its
              own tab.
            </p>
            <button className="btn primary" onClick={() => open({ kind: 'local' })}>
              New local shell
            </button>
            <p className="muted small">
              Copy with Ctrl+Shift+C, paste with Ctrl+Shift+V, or right-click in a terminal.
            </p>
          </div>
        ) : (
          tabs.map((t) => (
            <TerminalPane
              key={t.id}
              tab={t}
              label={labels.get(t.id) ?? t.title}
              active={t.id === activeId}
              view={deck.view(t.id)}
              onReopen={() => open(t.target)}
              onClose={() => void deck.close(t.id)}
            />
          ))
        )}
      </div>
    </section>
  );
}
