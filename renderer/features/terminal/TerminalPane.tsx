/**
 * One tab's terminal on screen: mounts the tab's XtermView into the page, fits it whenever the
 * container changes size (the shell gets the new size), focuses it when shown, offers Copy/Paste
 * on right click, and says so when the shell has ended. Inactive tabs stay mounted, only hidden.
 */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type { TerminalTab } from './terminal-deck';
import type { XtermView } from './xterm-view';

interface Props {
  tab: TerminalTab;
  label: string;
  active: boolean;
  view: XtermView | undefined;
  onReopen(): void;
  onClose(): void;
}

export function TerminalPane({ tab, label, active, view, onReopen, onClose }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);

  useEffect(() => {
    const el = holder.current;
    if (!el || !view) return;
    view.mount(el);
    const observer = new ResizeObserver(() => view.fit());
    observer.observe(el);
    return () => observer.disconnect();
  }, [view]);

  useEffect(() => {
    if (active && view) {
      view.fit();
      view.focus();
    }
  }, [active, view]);

  const onContextMenu = (e: MouseEvent<HTMLDivElement>) => {
    e.preventDefault();
    const box = e.currentTarget.getBoundingClientRect();
    setMenu({ x: e.clientX - box.left, y: e.clientY - box.top });
  };

  return (
    <div
      className="terminal-pane"
      role="tabpanel"
      id={`terminal-panel-${tab.id}`}
      aria-label={label}
      hidden={!active}
      data-testid="terminal-pane"
      data-state={tab.state}
      onContextMenu={onContextMenu}
      onClick={() => setMenu(null)}
    >
      <div className="terminal-holder" ref={holder} />
      {tab.state === 'exited' ? (
        <div className="terminal-exited" role="status" data-testid="terminal-exited">
          <span>
            {tab.exitCode === null
              ? 'The shell ended.'
              : `The shell ended with exit code ${tab.exitCode}.`}
          </span>
          <button className="btn small" onClick={onReopen}>
            Open a new one
          </button>
          <button className="btn small ghost" onClick={onClose}>
            Close tab
          </button>
        </div>
      ) : null}
      {menu && view ? (
        <div
          className="terminal-menu"
          role="menu"
          style={{ left: menu.x, top: menu.y }}
          onMouseLeave={() => setMenu(null)}
        >
          <button
            role="menuitem"
            disabled={!view.hasSelection()}
            onClick={() => {
              view.copy();
              setMenu(null);
            }}
          >
            Copy <kbd>Ctrl+Shift+C</kbd>
          </button>
          <button
            role="menuitem"
            onClick={() => {
              setMenu(null);
              void view.pasteFromClipboard();
            }}
          >
            Paste <kbd>Ctrl+Shift+V</kbd>
          </button>
        </div>
      ) : null}
    </div>
  );
}
