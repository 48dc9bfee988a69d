/** Event streams of bring-up: the whole run whenever it changes, and step log lines in batches. */
import { defineEvent } from './define';
import { BringUpRun, StepLog } from '../domain/bringup';

export const bringupEvents = {
  'bringup.changed': defineEvent({
    summary: 'A bring-up run changed (the whole run: every node, every step).',
    payload: BringUpRun,
  }),
  'bringup.log': defineEvent({
    summary: 'New log lines of one step of one node, in order.',
    payload: StepLog,
  }),
} as const;
