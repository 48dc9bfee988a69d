import { describe, expect, it } from 'vitest';
import { importTestbed, TestbedImportError } from './testbed-import';

const fp = 'SHA256:sQXQF5uSnJuYzDW+UL/w96d7GZuaFT/pilaTKmXoZZM';

function node(overrides: Record<string, unknown> = {}) {
  return {
    name: 'node1',
    host: '198.51.100.10',
    port: 22,
    user: 'root',
    identityFile: '/var/lib/raydeck-testbed/client/id_ed25519',
    hostKeyFingerprints: [fp],
    gpus: 2,
    ...overrides,
  };
}

function problemsOf(text: string): string[] {
  try {
    importTestbed(text, 'testbed.json');
  } catch (err) {
    if (err instanceof TestbedImportError) return err.problems;
    throw err;
  }
  throw new Error('expected the import to fail');
}

describe('importTestbed', () => {
  it('imports what `testbed up` prints: hosts with expected fingerprints, GPUs and the index', () => {
    const text = JSON.stringify({
      nodes: [node(), node({ name: 'node2', host: '198.51.100.11' })],
      index: 'http://198.51.100.1:8765/simple',
    });
    const result = importTestbed(text);
    expect(result.index).toBe('http://198.51.100.1:8765/simple');
    expect(result.hosts).toEqual([
      {
        alias: 'node1',
        host: '198.51.100.10',
        port: 22,
        user: 'root',
        identityFile: '/var/lib/raydeck-testbed/client/id_ed25519',
        jump: null,
        jumpChain: [],
        warnings: [],
        expectedFingerprints: [fp],
        gpus: 2,
      },
      expect.objectContaining({ alias: 'node2', host: '198.51.100.11' }),
    ]);
  });

  it('says the text is not JSON, naming the source', () => {
    expect(() => importTestbed('{"nodes": [', 'testbed.json')).toThrow(
      /testbed.json is not a usable testbed description:\n {2}not valid JSON/,
    );
  });

  it('lists every bad field with its path', () => {
    const text = JSON.stringify({
      nodes: [
        node({ port: 70000 }),
        node({
          name: 'node2',
          host: '$(id)',
          user: '-oProxyCommand=x',
          hostKeyFingerprints: ['MD5:aa'],
        }),
        node({ gpus: 1.5 }),
      ],
      index: 'file:///etc/passwd',
    });
    expect(problemsOf(text)).toEqual([
      'nodes[0].port: must be 1 to 65535',
      'nodes[1].host: must be a host name, an IPv4 or an IPv6 address',
      'nodes[1].user: must be a valid login name (letters, digits, "_", "-", ".")',
      'nodes[1].hostKeyFingerprints[0]: must be "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it',
      'nodes[2].gpus: must be a whole number',
      'index: must be an http(s) URL of a simple package index',
    ]);
  });

  it('reports missing fields, repeated names and an empty node list', () => {
    const { identityFile: _dropped, ...noKey } = node();
    expect(problemsOf(JSON.stringify({ nodes: [noKey], index: 'http://x/simple' }))).toEqual([
      'nodes[0].identityFile: must be text',
    ]);
    expect(
      problemsOf(
        JSON.stringify({
          nodes: [node(), node({ host: '198.51.100.11' })],
          index: 'http://x/simple',
        }),
      ),
    ).toEqual(['nodes[1].name: repeats the node name node1']);
    expect(problemsOf(JSON.stringify({ nodes: [], index: 'http://x/simple' }))).toEqual([
      'nodes: must list at least one node',
    ]);
    expect(problemsOf('[]')[0]).toMatch(/^\(top level\): /);
  });
});
