import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../../testing/temp-home';
import {
  entryIsExactlyFor,
  entryMatches,
  formatKnownHostsLine,
  knownHostName,
  matchPatternList,
  parseKnownHosts,
} from './known-hosts';
import { makeKey } from './test-keys';

const tempDir = useTempHomes();

function matchingSources(text: string, host: string, port: number): string[] {
  return parseKnownHosts(text, 'kh')
    .entries.filter((e) => entryMatches(e, host, port))
    .map((e) => e.source);
}

describe('parseKnownHosts', () => {
  it('reads plain lines, markers and comments, keeping line numbers', () => {
    const dir = tempDir();
    const a = makeKey(dir, 'ed25519', 'a');
    const b = makeKey(dir, 'rsa', 'b');
    const text = [
      '# comment',
      '',
      `node1,10.0.0.1 ${a.algorithm} ${a.base64} a comment with spaces`,
      `@revoked * ${b.algorithm} ${b.base64}`,
      `@cert-authority *.example.com ${a.algorithm} ${a.base64}`,
    ].join('\n');
    const { entries, skipped } = parseKnownHosts(text, '/home/me/.ssh/known_hosts');
    expect(skipped).toEqual([]);
    expect(entries.map((e) => [e.source, e.marker, e.algorithm])).toEqual([
      ['/home/me/.ssh/known_hosts:3', null, 'ssh-ed25519'],
      ['/home/me/.ssh/known_hosts:4', 'revoked', 'ssh-rsa'],
      ['/home/me/.ssh/known_hosts:5', 'cert-authority', 'ssh-ed25519'],
    ]);
    expect(entries[0]?.key.equals(a.blob)).toBe(true);
  });

  it('skips malformed lines with a reason and keeps the good ones', () => {
    const a = makeKey(tempDir(), 'ed25519');
    const text = [
      'onlyonefield',
      `@weird host ${a.algorithm} ${a.base64}`,
      `host ssh-rsa ${a.base64}`,
      'host ssh-ed25519 !!!notbase64',
      `|1|short|hash ${a.algorithm} ${a.base64}`,
      `good ${a.algorithm} ${a.base64}`,
    ].join('\n');
    const { entries, skipped } = parseKnownHosts(text, 'kh');
    expect(entries.map((e) => e.source)).toEqual(['kh:6']);
    expect(skipped.map((s) => s.source)).toEqual(['kh:1', 'kh:2', 'kh:3', 'kh:4', 'kh:5']);
    expect(skipped[2]?.reason).toMatch(/does not match/);
  });
});

describe('host matching', () => {
  it('uses [host]:port for ports other than 22', () => {
    expect(knownHostName('Node1', 22)).toBe('node1');
    expect(knownHostName('node1', 2222)).toBe('[node1]:2222');
    const a = makeKey(tempDir(), 'ed25519');
    const text = `[node1]:2222 ${a.algorithm} ${a.base64}\nnode2 ${a.algorithm} ${a.base64}`;
    expect(matchingSources(text, 'node1', 2222)).toEqual(['kh:1']);
    expect(matchingSources(text, 'node1', 22)).toEqual([]);
    expect(matchingSources(text, 'node2', 2222)).toEqual([]);
    expect(matchingSources(text, 'NODE2', 22)).toEqual(['kh:2']);
  });

  it('supports * and ? wildcards and !negation', () => {
    expect(matchPatternList('gpu7.lab', ['gpu?.lab'])).toBe(true);
    expect(matchPatternList('gpu17.lab', ['gpu?.lab'])).toBe(false);
    expect(matchPatternList('gpu.lab', ['gpu?.lab'])).toBe(false);
    expect(matchPatternList('gpu17.lab', ['*.lab'])).toBe(true);
    expect(matchPatternList('gpu17.lab', ['*.lab', '!gpu17.lab'])).toBe(false);
    expect(matchPatternList('gpu18.lab', ['*.lab', '!gpu17.lab'])).toBe(true);
    expect(matchPatternList('gpu17.lab', ['!gpu18.lab'])).toBe(false);
    expect(matchPatternList('a.b', ['a?b'])).toBe(true);
    expect(matchPatternList('axb', ['a.b'])).toBe(false);
  });

  it('agrees with ssh-keygen -F on hashed entries made by ssh-keygen -H', () => {
    const dir = tempDir();
    const a = makeKey(dir, 'ed25519');
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(
      file,
      `node1 ${a.algorithm} ${a.base64}\n[node2]:2222 ${a.algorithm} ${a.base64}\n`,
    );
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(text).not.toMatch(/node1|node2/);
    const { entries } = parseKnownHosts(text, file);
    expect(entries.every((e) => e.names.kind === 'hashed')).toBe(true);
    const cases: [string, number][] = [
      ['node1', 22],
      ['NODE1', 22],
      ['node1', 2222],
      ['node2', 2222],
      ['node2', 22],
      ['node3', 22],
    ];
    for (const [host, port] of cases) {
      const ours = entries.some((e) => entryMatches(e, host, port));
      let theirs = true;
      try {
        execFileSync('ssh-keygen', ['-F', knownHostName(host, port), '-f', file], {
          stdio: 'ignore',
        });
      } catch {
        theirs = false;
      }
      expect([host, port, ours]).toEqual([host, port, theirs]);
    }
    expect(entries.some((e) => entryMatches(e, 'node1', 22))).toBe(true);
  });
});

describe('formatKnownHostsLine', () => {
  it('writes a line that parses back and matches only its host:port', () => {
    const a = makeKey(tempDir(), 'ecdsa');
    const line = formatKnownHostsLine('198.51.100.10', 2222, a.blob);
    expect(line).toBe(`[198.51.100.10]:2222 ${a.algorithm} ${a.base64}`);
    const [entry] = parseKnownHosts(line, 'kh').entries;
    expect(entry && entryMatches(entry, '198.51.100.10', 2222)).toBe(true);
    expect(entry && entryIsExactlyFor(entry, '198.51.100.10', 2222)).toBe(true);
    expect(entry && entryMatches(entry, '198.51.100.10', 22)).toBe(false);
  });

  it('refuses host names that would change the meaning of the line', () => {
    const a = makeKey(tempDir(), 'ed25519');
    for (const host of ['a b', 'a,b', '*', 'a\nevil ssh-ed25519 AAAA', '|1|x']) {
      expect(() => formatKnownHostsLine(host, 22, a.blob)).toThrow(/cannot write/);
    }
  });
});
