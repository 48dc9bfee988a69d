/** Handlers for app.*: info and the local machine check. */
import os from 'node:os';
import type { CheckResult } from '../../../shared';
import type { appMethods } from '../../../shared/contract/app-methods';
import { runLocalChecks } from '../../app/local-checks';
import { raydeckVersion } from '../../version';
import type { CoreContext, HandlersFor } from '../core-context';

export function appHandlers(ctx: CoreContext): HandlersFor<keyof typeof appMethods> {
  let lastLocalChecks: CheckResult[] = [];
  return {
    'app.info': async () => ({
      name: 'Raydeck',
      version: raydeckVersion(),
      mode: ctx.mode,
      home: ctx.paths.home,
      platform: `${os.platform()} ${os.arch()}`,
      secretStorage: ctx.secrets.storage,
    }),
    'app.checkLocal': async () => {
      const operationId = await ctx.operations.start(
        'local-check',
        'Check this machine',
        async (op) => {
          lastLocalChecks = await runLocalChecks(ctx.paths.home, op);
          const failed = lastLocalChecks.filter((r) => r.status === 'fail');
          if (failed.length)
            throw new Error(failed.map((r) => `${r.label}: ${r.detail}`).join('; '));
        },
      );
      return { operationId };
    },
    'app.localChecks': async () => lastLocalChecks,
  };
}
