/**
 * Methods on terminals: open a local or SSH shell, type into it, resize, close, acknowledge
 * rendered output (ack-based flow control: the core pauses a shell whose output the UI has not
 * drawn yet), list, and re-attach after a reload (recent output replayed).
 */
import { z } from 'zod';
import { defineMethod } from './define';
import { Id, NoInput } from './primitives';
import {
  MAX_TERMINAL_WRITE,
  TerminalCols,
  TerminalInfo,
  TerminalRows,
  TerminalTarget,
} from '../domain/terminal';

const TerminalRef = z.object({ terminalId: Id }).strict();

export const terminalMethods = {
  'terminal.open': defineMethod({
    summary:
      'Open a shell (local, or on a node over SSH) at the given size; output arrives as terminal.output events.',
    input: z.object({ target: TerminalTarget, cols: TerminalCols, rows: TerminalRows }).strict(),
    output: TerminalInfo,
  }),
  'terminal.write': defineMethod({
    summary: "Send keystrokes or pasted text to a terminal's shell.",
    input: TerminalRef.extend({
      data: z
        .string()
        .min(1, { error: 'is empty' })
        .max(MAX_TERMINAL_WRITE, {
          error: `is longer than ${MAX_TERMINAL_WRITE} characters; send it in parts`,
        }),
    }).strict(),
    output: z.object({ written: z.number().int() }),
  }),
  'terminal.resize': defineMethod({
    summary: 'Tell the shell its new size in character cells.',
    input: TerminalRef.extend({ cols: TerminalCols, rows: TerminalRows }).strict(),
    output: TerminalInfo,
  }),
  'terminal.close': defineMethod({
    summary: 'End the shell (killed if still running) and forget the terminal.',
    input: TerminalRef,
    output: z.object({ closed: z.literal(true) }),
  }),
  'terminal.ack': defineMethod({
    summary:
      'Acknowledge output the UI has drawn (characters of terminal.output data), letting a paused shell go on.',
    input: TerminalRef.extend({
      bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    }).strict(),
    output: z.object({ unacked: z.number().int() }),
  }),
  'terminal.list': defineMethod({
    summary: 'The open terminals (running or exited, until closed).',
    input: NoInput,
    output: z.array(TerminalInfo),
  }),
  'terminal.attach': defineMethod({
    summary:
      'Re-attach to a terminal after a reload: its recent output, and the seq it ends at; unacknowledged output is forgiven.',
    input: TerminalRef,
    output: z.object({ info: TerminalInfo, replay: z.string(), seq: z.number().int() }),
  }),
} as const;
