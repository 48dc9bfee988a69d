/** A node's connection state in a few words, colored, with the reason on hover. */
import type { ConnectionState } from '../../../shared';

const FAILURE_TEXT: Record<string, string> = {
  'host-key-unknown': 'host key not trusted yet',
  'host-key-changed': 'HOST KEY CHANGED',
  'host-key-revoked': 'host key revoked',
  auth: 'login refused',
  'secret-needed': 'password needed',
  unreachable: 'unreachable',
  jump: 'jump host failed',
  other: 'failed',
};

function ago(since: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m`;
}

export function ConnectionBadge({ connection }: { connection: ConnectionState }) {
  switch (connection.state) {
    case 'idle':
      return (
        <span className="badge" data-testid="conn-badge" data-state="idle">
          not connected
        </span>
      );
    case 'connecting':
      return (
        <span className="badge state-running" data-testid="conn-badge" data-state="connecting">
          connecting…
        </span>
      );
    case 'ready':
      return (
        <span className="badge state-succeeded" data-testid="conn-badge" data-state="ready">
          connected
        </span>
      );
    case 'stale':
      return (
        <span
          className="badge state-cancelled"
          title={connection.reason}
          data-testid="conn-badge"
          data-state="stale"
        >
          stale for {ago(connection.since)} · reconnecting
        </span>
      );
    case 'failed':
      return (
        <span
          className="badge state-failed"
          title={connection.reason}
          data-testid="conn-badge"
          data-state="failed"
          data-failure={connection.failure}
        >
          {FAILURE_TEXT[connection.failure] ?? 'failed'}
        </span>
      );
  }
}
