/** The core's edge over the in-memory transport: validation errors are typed, never crashes. */
import { afterEach, describe, expect, it } from 'vitest';
import { RaydeckError, createClient } from '../../shared';
import { createMemoryTransport } from '../transport/memory-transport';
import { makeTempHome } from '../testing/temp-home';
import { createCore } from './create-core';
import { CoreService, type Handlers } from './core-service';
import { EventBus } from './event-bus';

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

function memoryClient() {
  const h = makeTempHome();
  homes.push(h);
  const core = createCore({ home: h.home, mode: 'memory' });
  return {
    core,
    transport: createMemoryTransport(core.service),
    client: createClient(createMemoryTransport(core.service)),
  };
}

describe('CoreService over the in-memory transport', () => {
  it('returns a typed validation error with the field path for malformed input', async () => {
    const { transport } = memoryClient();
    const result = await transport.call('clusters.create', { name: 42 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'validation',
        message: 'Invalid input for clusters.create: name: must be text',
        issues: [{ path: 'name', message: 'must be text' }],
      },
    });
  });

  it('rejects unknown fields, missing input and hostile names with readable messages', async () => {
    const { transport } = memoryClient();
    const extra = await transport.call('clusters.create', { name: 'ok', shell: '$(rm -rf /)' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation' } });
    const missing = await transport.call('clusters.rename', undefined);
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: 'id' }, { path: 'name' }] },
    });
    for (const name of ["'; rm -rf ~", '$(id)', '`id`', '-rf', 'a\nb', 'ñame', '../etc']) {
      const r = await transport.call('clusters.create', { name });
      expect(r, name).toMatchObject({
        ok: false,
        error: { code: 'validation', issues: [{ path: 'name' }] },
      });
    }
  });

  it('answers unknown methods with unknown_method, not a throw', async () => {
    const { transport } = memoryClient();
    expect(await transport.call('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    expect(await transport.call('constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
  });

  it('maps a handler crash to an internal error with one line and no stack', async () => {
    const bus = new EventBus();
    const logged: string[] = [];
    const handlers = {
      'clusters.list': async () => {
        throw new Error('disk on fire\n    at secret (/home/x.ts:1:1)');
      },
    } as unknown as Handlers;
    const service = new CoreService(handlers, bus, { error: (m) => logged.push(m) });
    const r = await service.call('clusters.list', {});
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: 'clusters.list failed: disk on fire' },
    });
    expect(logged).toEqual(['core: clusters.list failed']);
  });

  it('typed client throws RaydeckError and pushes events to subscribers', async () => {
    const { client } = memoryClient();
    const seen: number[] = [];
    client.subscribe('clusters.changed', (list) => seen.push(list.length));
    await client.call('clusters.create', { name: 'lab' });
    await expect(client.call('clusters.create', { name: 'LAB' })).rejects.toBeInstanceOf(
      RaydeckError,
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([1]);
  });

  it('long-running methods return an operation id at once and report progress as events', async () => {
    const { client, core } = memoryClient();
    const progress: string[] = [];
    client.subscribe('operation.progress', (op) => progress.push(op.state));
    const { operationId } = await client.call('app.checkLocal', {});
    expect(typeof operationId).toBe('string');
    const done = await core.operations.wait(operationId);
    expect(done.state).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 0));
    expect(progress[0]).toBe('running');
    expect(progress.at(-1)).toBe('succeeded');
    const checks = await client.call('app.localChecks', {});
    expect(checks.map((c) => [c.id, c.label])).toContainEqual([
      'state-folder',
      'State folder writable',
    ]);
  });
});
