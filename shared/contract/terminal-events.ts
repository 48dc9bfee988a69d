/** Event streams of terminals: output chunks (in order, numbered per terminal) and exits. */
import { z } from 'zod';
import { defineEvent } from './define';

export const terminalEvents = {
  'terminal.output': defineEvent({
    summary:
      "A chunk of a terminal's output; seq counts up from 1 per terminal. Acknowledge it with terminal.ack once drawn.",
    payload: z.object({ terminalId: z.string(), seq: z.number().int(), data: z.string() }),
  }),
  'terminal.exit': defineEvent({
    summary: "A terminal's shell ended (code null: ended by a signal or a dropped connection).",
    payload: z.object({ terminalId: z.string(), code: z.number().int().nullable() }),
  }),
} as const;
