import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSshConfig, type SshConfigImport } from './ssh-config-import';

const options = { home: '/home/ada', defaultUser: 'ada' };

function byAlias(result: SshConfigImport) {
  return Object.fromEntries(result.hosts.map((h) => [h.alias, h]));
}

function rejectedReasons(result: SshConfigImport, alias: string): string {
  return result.rejected.find((r) => r.alias === alias)?.reasons.join(' ') ?? '(not rejected)';
}

describe('importSshConfig', () => {
  it('imports a bastion and two GPU nodes behind it, with Host * defaults applied', () => {
    const result = importSshConfig(
      `
# lab
Host bastion
  HostName bastion.example.com
  User jump
  Port 2200
  IdentityFile ~/.ssh/id_bastion

Host gpu1 gpu2
  ProxyJump bastion
  User root

Host gpu1
  HostName 10.0.0.11

Host gpu2
  HostName 10.0.0.12
  Port 2222

Host *
  User nobody
  IdentityFile ~/.ssh/id_ed25519
`,
      options,
    );
    expect(result.rejected).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.hosts.map((h) => h.alias)).toEqual(['bastion', 'gpu1', 'gpu2']);
    const hosts = byAlias(result);
    expect(hosts.bastion).toEqual({
      alias: 'bastion',
      host: 'bastion.example.com',
      port: 2200,
      user: 'jump',
      identityFile: '/home/ada/.ssh/id_bastion',
      jump: null,
      jumpChain: [],
      warnings: [],
    });
    expect(hosts.gpu1).toMatchObject({
      host: '10.0.0.11',
      port: 22,
      user: 'root',
      identityFile: '/home/ada/.ssh/id_ed25519',
      jump: { kind: 'alias', alias: 'bastion' },
    });
    expect(hosts.gpu2).toMatchObject({
      host: '10.0.0.12',
      port: 2222,
      user: 'root',
      jump: { kind: 'alias', alias: 'bastion' },
    });
  });

  it('uses the alias as host, port 22 and the default user when the config says nothing', () => {
    const result = importSshConfig('Host node7\n', options);
    expect(result.hosts).toEqual([
      {
        alias: 'node7',
        host: 'node7',
        port: 22,
        user: 'ada',
        identityFile: null,
        jump: null,
        jumpChain: [],
        warnings: [],
      },
    ]);
  });

  it('skips wildcard-only and negated patterns as entries', () => {
    const result = importSshConfig(
      'Host *\n  User x\nHost gpu? *.lab !bad\n  Port 2\nHost real\n',
      options,
    );
    expect(result.hosts.map((h) => h.alias)).toEqual(['real']);
    expect(result.hosts[0]?.user).toBe('x');
  });

  it('turns user@host:port jump hops into inline targets and keeps the chain in order', () => {
    const result = importSshConfig(
      `
Host outer
  HostName outer.example.com
Host deep
  HostName 10.1.0.5
  ProxyJump outer,ops@inner.example.com:2022
Host direct
  ProxyJump none
Host uri
  ProxyJump ssh://admin@[2001:db8::1]:22
`,
      options,
    );
    const hosts = byAlias(result);
    expect(hosts.deep?.jumpChain).toEqual([
      { kind: 'alias', alias: 'outer' },
      { kind: 'inline', host: 'inner.example.com', port: 2022, user: 'ops' },
    ]);
    expect(hosts.deep?.jump).toEqual({
      kind: 'inline',
      host: 'inner.example.com',
      port: 2022,
      user: 'ops',
    });
    expect(hosts.deep?.warnings.join(' ')).toMatch(/chain of 2 hops/);
    expect(hosts.direct?.jump).toBeNull();
    expect(hosts.uri?.jump).toEqual({
      kind: 'inline',
      host: '2001:db8::1',
      port: 22,
      user: 'admin',
    });
  });

  it('rejects hostile values with a reason instead of importing them', () => {
    const result = importSshConfig(
      `
Host evil-host
  HostName $(id)
Host evil-user
  HostName 10.0.0.1
  User -oProxyCommand=touch /tmp/pwned
Host evil-port
  Port 22 -oProxyCommand=x
Host -oProxyCommand=sh
Host evil-jump
  ProxyJump ;reboot
Host behind-evil
  ProxyJump evil-host
Host fine
  HostName 10.0.0.2
`,
      options,
    );
    expect(result.hosts.map((h) => h.alias)).toEqual(['fine']);
    expect(rejectedReasons(result, 'evil-host')).toMatch(/HostName "\$\(id\)" must be a host name/);
    expect(rejectedReasons(result, 'evil-user')).toMatch(
      /User "-oProxyCommand=touch \/tmp\/pwned" must be a valid login name/,
    );
    expect(rejectedReasons(result, 'evil-port')).toMatch(/Port .* is not a number/);
    expect(rejectedReasons(result, '-oProxyCommand=sh')).toMatch(/alias used as host name/);
    expect(rejectedReasons(result, 'evil-jump')).toMatch(/ProxyJump hop ";reboot"/);
    expect(rejectedReasons(result, 'behind-evil')).toMatch(
      /jump host evil-host cannot be imported/,
    );
  });

  it('never runs Match exec or ProxyCommand, and says so', () => {
    const marker = path.join(os.tmpdir(), `raydeck-match-exec-${process.pid}-${Date.now()}`);
    const result = importSshConfig(
      `
Host gpu1
  HostName 10.0.0.1
  ProxyCommand touch ${marker}
Match host * exec "touch ${marker}"
  User hijacked
`,
      options,
    );
    expect(fs.existsSync(marker)).toBe(false);
    expect(result.hosts[0]?.user).toBe('ada');
    expect(result.hosts[0]?.warnings.join(' ')).toMatch(/ProxyCommand is ignored/);
    expect(result.warnings.join(' ')).toMatch(/"exec" are never applied/);
  });

  it('applies plain Match blocks as ssh-config evaluates them', () => {
    const result = importSshConfig(
      'Host gpu1\n  HostName 10.0.0.1\nMatch host 10.0.0.*\n  User matched\n',
      options,
    );
    expect(result.hosts[0]?.user).toBe('matched');
  });

  it('warns that Include is not followed and CanonicalizeHostName is not applied', () => {
    const result = importSshConfig(
      'Include ~/.ssh/conf.d/*\nCanonicalizeHostName yes\nCanonicalDomains example.invalid\nHost a\n',
      options,
    );
    expect(result.warnings.join(' ')).toMatch(/Include ~\/.ssh\/conf.d\/\* is not followed/);
    expect(result.warnings.join(' ')).toMatch(/CanonicalizeHostName is not applied/);
    expect(result.hosts[0]?.host).toBe('a');
  });

  it('expands %d %u %h %r %p %n in IdentityFile and refuses other tokens clearly', () => {
    const result = importSshConfig(
      `
Host t1
  HostName 10.0.0.9
  User svc
  Port 2200
  IdentityFile "%d/keys/%u-%r@%h_%p-%n %%"
Host t2
  IdentityFile ~/.ssh/%C
  IdentityFile ~/.ssh/second
Host t3
  IdentityFile \${HOME}/.ssh/id
Host t4
  HostName %h.lab.example.com
  IdentityFile none
`,
      { ...options, localUser: 'local' },
    );
    const hosts = byAlias(result);
    expect(hosts.t1?.identityFile).toBe('/home/ada/keys/local-svc@10.0.0.9_2200-t1 %');
    expect(hosts.t2?.identityFile).toBeNull();
    expect(hosts.t2?.warnings.join(' ')).toMatch(/uses the token %C/);
    expect(hosts.t3?.identityFile).toBeNull();
    expect(hosts.t3?.warnings.join(' ')).toMatch(/environment variable/);
    expect(hosts.t4).toMatchObject({ host: 't4.lab.example.com', identityFile: null });
  });

  it('warns when an alias cannot be a node name, but still imports the host', () => {
    const result = importSshConfig('Host my+box\n  HostName 10.0.0.3\n', options);
    expect(result.hosts[0]?.host).toBe('10.0.0.3');
    expect(result.hosts[0]?.warnings.join(' ')).toMatch(/Choose another node name/);
  });

  it('rejects a host that jumps through itself', () => {
    const result = importSshConfig('Host loop\n  HostName 10.0.0.4\n  ProxyJump loop\n', options);
    expect(rejectedReasons(result, 'loop')).toMatch(/itself/);
  });
});
