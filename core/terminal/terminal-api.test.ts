/**
 * Terminals through the whole core (in-memory transport, real node-pty shells): a command's output
 * arrives, resize reaches the shell, input is validated at the edge, an SSH tab to an unreachable node
 * says why in one line, and a flood is held back until the UI acks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RaydeckError, createClient, type RaydeckClient } from '../../shared';
import { createCore, type Core } from '../api/create-core';
import { createMemoryTransport } from '../transport/memory-transport';
import { useTempHomes } from '../testing/temp-home';

const tempHome = useTempHomes();
const cores: Core[] = [];
afterEach(() => cores.splice(0).forEach((c) => c.dispose()));

function connect(): { core: Core; client: RaydeckClient } {
  const core = createCore({ home: tempHome(), mode: 'memory' });
  cores.push(core);
  return { core, client: createClient(createMemoryTransport(core.service)) };
}

/** Collects one terminal's output, acking as it goes (like the UI) unless told not to. */
function watch(client: RaydeckClient, opts: { ack: boolean } = { ack: true }) {
  const state = { text: new Map<string, string>(), exits: new Map<string, number | null>() };
  client.subscribe('terminal.output', ({ terminalId, data }) => {
    state.text.set(terminalId, (state.text.get(terminalId) ?? '') + data);
    // An ack may race the terminal's close at the end of a test; that is fine.
    if (opts.ack) client.call('terminal.ack', { terminalId, bytes: data.length }).catch(() => {});
  });
  client.subscribe('terminal.exit', ({ terminalId, code }) => state.exits.set(terminalId, code));
  return state;
}

async function until(check: () => boolean, what: string, ms = 8000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('terminal.* over the core', () => {
  it('runs a command in a local shell and shows its output', async () => {
    const { client } = connect();
    const seen = watch(client);
    const t = await client.call('terminal.open', {
      target: { kind: 'local' },
      cols: 100,
      rows: 30,
    });
    expect(t).toMatchObject({ title: 'Local shell', state: 'running', cols: 100, rows: 30 });
    await client.call('terminal.write', { terminalId: t.id, data: 'echo hello-$((6*7))\r' });
    await until(() => (seen.text.get(t.id) ?? '').includes('hello-42'), 'hello-42');
  });

  it('resizes the shell (stty size follows) and reports the exit code', async () => {
    const { client } = connect();
    const seen = watch(client);
    const t = await client.call('terminal.open', { target: { kind: 'local' }, cols: 80, rows: 24 });
    await client.call('terminal.resize', { terminalId: t.id, cols: 91, rows: 33 });
    await client.call('terminal.write', { terminalId: t.id, data: 'stty size\r' });
    await until(() => (seen.text.get(t.id) ?? '').includes('33 91'), 'stty size 33 91');
    await client.call('terminal.write', { terminalId: t.id, data: 'exit 5\r' });
    await until(() => seen.exits.has(t.id), 'exit');
    expect(seen.exits.get(t.id)).toBe(5);
    expect(await client.call('terminal.list', {})).toEqual([
      expect.objectContaining({ id: t.id, state: 'exited', exitCode: 5 }),
    ]);
  });

  it('validates sizes and write lengths at the edge with field messages', async () => {
    const { client } = connect();
    const err = await client
      .call('terminal.open', { target: { kind: 'local' }, cols: 0, rows: 9999 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RaydeckError);
    expect((err as RaydeckError).issues).toEqual([
      { path: 'cols', message: 'must be at least 2' },
      { path: 'rows', message: 'must be at most 500' },
    ]);
    const t = await client.call('terminal.open', { target: { kind: 'local' }, cols: 80, rows: 24 });
    const big = await client
      .call('terminal.write', { terminalId: t.id, data: 'x'.repeat(70_000) })
      .catch((e: unknown) => e);
    expect((big as RaydeckError).issues?.[0]?.path).toBe('data');
  });

  it('refuses an SSH tab whose node cannot be reached with one readable reason', async () => {
    const { core, client } = connect();
    const cluster = await core.inventory.create('lab');
    const node = await client.call('nodes.add', {
      clusterId: cluster.id,
      name: 'gpu-1',
      host: '198.51.100.7',
      user: 'ray',
      auth: { kind: 'key', identityFile: '/nonexistent/raydeck-test-key' },
    });
    const err = await client
      .call('terminal.open', { target: { kind: 'ssh', nodeId: node.id }, cols: 80, rows: 24 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'conflict',
      message: 'gpu-1: cannot read the key file /nonexistent/raydeck-test-key (it does not exist).',
    });
    const missing = await client
      .call('terminal.open', { target: { kind: 'ssh', nodeId: 'nope' }, cols: 80, rows: 24 })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'not_found', message: 'No node with id nope.' });
  });

  it('holds `yes` back at the high-water mark until the UI acks, then lets it go on', async () => {
    const { client } = connect();
    const seen = watch(client, { ack: false });
    const t = await client.call('terminal.open', { target: { kind: 'local' }, cols: 80, rows: 24 });
    await client.call('terminal.write', { terminalId: t.id, data: 'yes\r' });
    const received = () => (seen.text.get(t.id) ?? '').length;
    await until(() => received() >= 512 * 1024, 'the high-water mark');
    await new Promise((r) => setTimeout(r, 300));
    const held = received();
    await new Promise((r) => setTimeout(r, 300));
    // Paused: at most what was already in the pty's buffers trickles in.
    expect(received() - held).toBeLessThan(64 * 1024);
    expect(held).toBeLessThan(512 * 1024 + 256 * 1024);
    await client.call('terminal.ack', { terminalId: t.id, bytes: held });
    await until(() => received() > held + 256 * 1024, 'output after the ack');
    await client.call('terminal.write', { terminalId: t.id, data: '\x03' });
  });
});
