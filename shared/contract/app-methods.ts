/** Methods about Raydeck itself: version, mode, and the local machine check. */
import { z } from 'zod';
import { defineMethod } from './define';
import { CheckResult } from '../domain/check';
import { OperationStarted } from '../domain/operation';
import { NoInput } from './primitives';

export const AppInfo = z.object({
  name: z.literal('Raydeck'),
  version: z.string(),
  /** Which transport the core is serving this client over. */
  mode: z.enum(['electron', 'browser', 'memory']),
  /** Where inventory, history, known hosts and operation logs live ($RAYDECK_HOME). */
  home: z.string(),
  platform: z.string(),
  /** How remembered passwords/passphrases are stored, so the UI can say so before the user opts in. */
  secretStorage: z.object({ kind: z.enum(['os-encrypted', 'plain-file']), where: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appMethods = {
  'app.info': defineMethod({
    summary: 'Version, transport mode and state folder of this Raydeck.',
    input: NoInput,
    output: AppInfo,
  }),
  'app.checkLocal': defineMethod({
    summary:
      'Check this machine (state folder writable, free disk, OpenSSH tools); returns an operation id.',
    input: NoInput,
    output: OperationStarted,
  }),
  'app.localChecks': defineMethod({
    summary: 'Results of the last finished local check.',
    input: NoInput,
    output: z.array(CheckResult),
  }),
} as const;
