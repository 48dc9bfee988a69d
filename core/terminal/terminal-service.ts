/**
 * Builds a core's TerminalRegistry: local shells through node-pty, SSH shells through the
 * node-shell seam (CoreContext.nodeShells: an interactive channel on the node's pooled SSH
 * connection, set up by create-core), and output / exit reported on the event bus.
 */
import type { TerminalTarget } from '../../shared/domain/terminal';
import type { CoreContext } from '../api/core-context';
import type { ShellChannel, ShellOptions } from '../ssh/types';
import { LocalPtySession, type LocalShellOptions } from './local-pty-session';
import { SshShellSession } from './ssh-shell-session';
import { TerminalRegistry, type TerminalRegistryOptions } from './terminal-registry';
import type { TerminalSession } from './terminal-session';

/** The seam to the node connections: an interactive shell channel on a node (connecting if needed). */
export interface NodeShells {
  /** Rejects with a RaydeckError (not_found, a host-key problem, ...) or an Error with a readable message. */
  open(nodeId: string, opts: ShellOptions): Promise<ShellChannel>;
}

export interface TerminalServiceOptions {
  local?: LocalShellOptions;
  flow?: TerminalRegistryOptions['flow'];
}

export function createTerminalRegistry(
  ctx: CoreContext,
  opts: TerminalServiceOptions = {},
): TerminalRegistry {
  const createSession = async (
    target: TerminalTarget,
  ): Promise<{ session: TerminalSession; title: string }> => {
    switch (target.kind) {
      case 'local':
        return { session: new LocalPtySession(opts.local), title: 'Local shell' };
      case 'ssh': {
        const node = await ctx.nodes.get(target.nodeId);
        const shells = ctx.nodeShells;
        return {
          session: new SshShellSession((shellOpts) => shells.open(node.id, shellOpts)),
          title: node.name,
        };
      }
    }
  };
  return new TerminalRegistry({
    createSession,
    flow: opts.flow,
    events: {
      output: (terminalId, seq, data) => ctx.bus.emit('terminal.output', { terminalId, seq, data }),
      exit: (terminalId, code) => ctx.bus.emit('terminal.exit', { terminalId, code }),
    },
  });
}
