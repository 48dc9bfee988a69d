/**
 * The application frame: sidebar navigation (arrow keys move between pages), a top bar with the
 * connection state and theme switch, the current page, and the shortcuts overlay.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TransportStatus } from '../../shared';
import { useRaydeck } from '../app/client-context';
import { ClustersPage } from '../features/clusters';
import { ActivityPage } from '../features/activity';
import { NodesPage } from '../features/nodes';
import { TerminalPage } from '../features/terminal';
import { ServePage } from '../features/serve';
import { PipelinePage } from '../features/pipeline';
import { MonitorAlertBadge, MonitorPage } from '../features/monitor';
import { BringupPage, ClusterCardSummary } from '../features/bringup';
import { PAGES, type PageId } from './pages';
import { SHORTCUTS, useGlobalShortcuts } from './shortcuts';
import { useShell } from './ui-store';
import { Dialog } from '../ui';

function PageView({ page }: { page: PageId }) {
  switch (page) {
    case 'clusters':
      return <ClustersPage summary={(c) => <ClusterCardSummary cluster={c} />} />;
    case 'activity':
      return <ActivityPage />;
    case 'nodes':
      return <NodesPage />;
    case 'terminal':
      return <TerminalPage />;
    case 'bringup':
      return <BringupPage />;
    case 'serve':
      return <ServePage />;
    case 'pipeline':
      return <PipelinePage />;
    case 'monitor':
      return <MonitorPage />;
    default: {
      // Every page has its feature: a new PageId fails to compile here until it gets one.
      const unknown: never = page;
      return unknown;
    }
  }
}

function useTransportStatus(): TransportStatus {
  const client = useRaydeck();
  const [status, setStatus] = useState<TransportStatus>('connecting');
  useEffect(() => client.onStatus(setStatus), [client]);
  return status;
}

function Sidebar() {
  const page = useShell((s) => s.page);
  const go = useShell((s) => s.go);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent<HTMLElement>, index: number) => {
    const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + PAGES.length) % PAGES.length;
    refs.current[next]?.focus();
  };
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        Raydeck
      </div>
      <ul>
        {PAGES.map((p, i) => (
          <li key={p.id}>
            <button
              ref={(el) => {
                refs.current[i] = el;
              }}
              className={p.id === page ? 'nav-item active' : 'nav-item'}
              aria-current={p.id === page ? 'page' : undefined}
              tabIndex={p.id === page ? 0 : -1}
              onClick={() => go(p.id)}
              onKeyDown={(e) => onKeyDown(e, i)}
              data-testid={`nav-${p.id}`}
            >
              <span className="nav-icon" aria-hidden>
                {p.icon}
              </span>
              <span className="nav-label">{p.label}</span>
              {p.id === 'monitor' ? <MonitorAlertBadge /> : null}
              <kbd className="nav-key" aria-hidden>
                g {p.key}
              </kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const STATUS_TEXT: Record<TransportStatus, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

function TopBar({ status }: { status: TransportStatus }) {
  const theme = useShell((s) => s.theme);
  const toggleTheme = useShell((s) => s.toggleTheme);
  const setHelpOpen = useShell((s) => s.setHelpOpen);
  const page = useShell((s) => s.page);
  const label = PAGES.find((p) => p.id === page)?.label ?? '';
  return (
    <header className="topbar">
      <h1 className="page-title">{label}</h1>
      <div className="topbar-actions">
        <span className={`conn conn-${status}`} role="status" data-testid="connection-status">
          <span className="dot" aria-hidden />
          {STATUS_TEXT[status]}
        </span>
        <button
          className="btn ghost"
          onClick={() => setHelpOpen(true)}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
        <button
          className="btn ghost"
          onClick={toggleTheme}
          data-testid="theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          title="Switch theme (Shift+D)"
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </header>
  );
}

function HelpOverlay() {
  const open = useShell((s) => s.helpOpen);
  const setHelpOpen = useShell((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={() => setHelpOpen(false)}
      actions={
        <button className="btn" onClick={() => setHelpOpen(false)}>
          Close
        </button>
      }
    >
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

export function Shell() {
  useGlobalShortcuts();
  const page = useShell((s) => s.page);
  const theme = useShell((s) => s.theme);
  const syncFromHash = useShell((s) => s.syncFromHash);
  const status = useTransportStatus();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    window.addEventListener('hashchange', syncFromHash);
    return () => window.removeEventListener('hashchange', syncFromHash);
  }, [syncFromHash]);
  return (
    <div className="shell">
      <Sidebar />
      <div className="main">
        <TopBar status={status} />
        {status === 'reconnecting' || status === 'closed' ? (
          <div className="banner warn" role="alert">
            {status === 'reconnecting'
              ? 'Lost the connection to the Raydeck core — reconnecting. Nothing you see is lost.'
              : 'Disconnected from the Raydeck core. Restart it (npm start) and reload this page.'}
          </div>
        ) : null}
        <main className="content" id="content">
          <PageView page={page} />
        </main>
      </div>
      <HelpOverlay />
    </div>
  );
}
