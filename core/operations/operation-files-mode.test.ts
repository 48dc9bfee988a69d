/** Operation records and logs are the user's alone (issue 16 item 8: logs were created 0644). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../api/event-bus';
import { useTempHomes } from '../testing/temp-home';
import { OperationRegistry } from './operation-registry';

const newHome = useTempHomes();

describe('operation files', () => {
  it('are created 0600 in a 0700 folder (under the usual umask 022)', async () => {
    const dir = path.join(newHome(), 'operations');
    const reg = new OperationRegistry(dir, new EventBus());
    {
      const id = await reg.start('test', 'Test work', async (ctx) =>
        ctx.log('a line with a host name in it'),
      );
      await reg.wait(id);
      await new Promise((r) => setTimeout(r, 100)); // the log append is fire-and-forget
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      for (const f of fs.readdirSync(dir))
        expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
      expect(fs.readdirSync(dir).some((f) => f.endsWith('.log'))).toBe(true);
    }
  });
});
