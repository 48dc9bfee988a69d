/**
 * The last known connection state of every node, for `nodes.list` and the `nodes.connection`
 * event. Connections report into it; a node never contacted is `idle`.
 */
import type { ConnectionState } from '../../shared';
import type { EventBus } from '../api/event-bus';

export class ConnectionStates {
  private readonly states = new Map<string, ConnectionState>();

  constructor(private readonly bus: EventBus) {}

  get(nodeId: string): ConnectionState {
    return this.states.get(nodeId) ?? { state: 'idle' };
  }

  set(nodeId: string, connection: ConnectionState): void {
    const before = this.states.get(nodeId);
    if (before && JSON.stringify(before) === JSON.stringify(connection)) return;
    this.states.set(nodeId, connection);
    this.bus.emit('nodes.connection', { nodeId, connection });
  }

  forget(nodeId: string): void {
    this.states.delete(nodeId);
  }
}
