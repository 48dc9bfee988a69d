/** Handlers for terminal.*: open, write, resize, ack, attach, list, close (see core/terminal). */
import type { terminalMethods } from '../../../shared/contract/terminal-methods';
import type { TerminalRegistry } from '../../terminal/terminal-registry';
import type { HandlersFor } from '../core-context';

export function terminalHandlers(
  terminals: TerminalRegistry,
): HandlersFor<keyof typeof terminalMethods> {
  return {
    'terminal.open': ({ target, cols, rows }) => terminals.open(target, { cols, rows }),
    'terminal.write': async ({ terminalId, data }) => ({
      written: terminals.write(terminalId, data),
    }),
    'terminal.resize': async ({ terminalId, cols, rows }) =>
      terminals.resize(terminalId, { cols, rows }),
    'terminal.ack': async ({ terminalId, bytes }) => ({
      unacked: terminals.ack(terminalId, bytes),
    }),
    'terminal.attach': async ({ terminalId }) => terminals.attach(terminalId),
    'terminal.list': async () => terminals.list(),
    'terminal.close': async ({ terminalId }) => {
      terminals.close(terminalId);
      return { closed: true as const };
    },
  };
}
