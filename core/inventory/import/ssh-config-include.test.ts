/**
 * `Include` followed as OpenSSH follows it (issue 16 item 7): globs in lexical order, relative to
 * ~/.ssh, anywhere in a file, inside Host blocks (only for names the block matches), the
 * including block restored after the file, cycles and depth refused with a clear message,
 * special files never read; and the result checked against `ssh -G` itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../../testing/temp-home';
import { readConfigFile } from './config-files';
import { importSshConfig, type SshConfigImport } from './ssh-config-import';
import { SshConfigIncludeError } from './ssh-config-include';
import { previewImport } from '../../nodes/node-import';
import type { NodeInventory } from '../node-inventory';

const newHome = useTempHomes();

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const hostsOf = (r: SshConfigImport) =>
  Object.fromEntries(r.hosts.map((h) => [h.alias, `${h.user}@${h.host}:${h.port}`]));

describe('ssh config Include', () => {
  it('follows globs relative to ~/.ssh in lexical order, skipping hidden files, at any point of the file', () => {
    const home = newHome();
    write(
      path.join(home, '.ssh/conf.d/20-gpu.conf'),
      'Host gpu1\n  HostName 10.0.0.11\n  User root\n',
    );
    write(
      path.join(home, '.ssh/conf.d/10-base.conf'),
      'Host gpu1 gpu2\n  User first-wins\n  Port 2222\n',
    );
    write(path.join(home, '.ssh/conf.d/.hidden.conf'), 'Host hidden\n  HostName 10.0.0.99\n');
    write(path.join(home, '.ssh/late.conf'), 'Host late\n  HostName 10.0.0.30\n');
    // The second Include sits inside "Host gpu2" (indentation means nothing to ssh): it counts for gpu2 only.
    const config =
      'Include conf.d/*.conf ~/.ssh/late.conf\nHost gpu2\n  HostName 10.0.0.12\nInclude ~/.ssh/gpu2-extra.conf\n';
    write(path.join(home, '.ssh/gpu2-extra.conf'), 'Host never-imported\n  HostName 10.0.0.77\n');
    const r = importSshConfig(config, { home, defaultUser: 'ada', followIncludes: true });
    expect(hostsOf(r)).toEqual({
      gpu1: 'first-wins@10.0.0.11:2222', // 10-base.conf is read before 20-gpu.conf
      gpu2: 'first-wins@10.0.0.12:2222',
      late: 'ada@10.0.0.30:22',
    });
    expect(r.warnings.join(' ')).not.toMatch(/not followed/);
  });

  it('an Include inside a Host block counts only for names that block matches, and the block resumes after it', () => {
    const home = newHome();
    write(
      path.join(home, '.ssh/prod.conf'),
      'User produser\nHost web1.prod\n  HostName 10.1.0.1\nHost db1.prod\n  HostName 10.1.0.2\n',
    );
    write(path.join(home, '.ssh/lab.conf'), 'Host labnode\n  HostName 10.2.0.1\n');
    const config = [
      'Host *.prod',
      '  Include prod.conf',
      '  Port 2200',
      'Host nomatch',
      '  Include lab.conf',
      'Host labnode',
      '  User labuser',
    ].join('\n');
    const r = importSshConfig(config, { home, defaultUser: 'ada', followIncludes: true });
    const hosts = hostsOf(r);
    expect(hosts['web1.prod']).toBe('produser@10.1.0.1:2200');
    expect(hosts['db1.prod']).toBe('produser@10.1.0.2:2200');
    // lab.conf is read under "Host nomatch": for the name labnode its HostName never applies.
    expect(hosts.labnode).toBe('labuser@labnode:22');
  });

  it('refuses a cycle, naming it, and nesting deeper than 16 levels', () => {
    const home = newHome();
    write(path.join(home, '.ssh/a.conf'), 'Include b.conf\n');
    write(path.join(home, '.ssh/b.conf'), 'Include a.conf\n');
    expect(() =>
      importSshConfig('Include a.conf\n', { home, defaultUser: 'ada', followIncludes: true }),
    ).toThrow(SshConfigIncludeError);
    expect(() =>
      importSshConfig('Include a.conf\n', { home, defaultUser: 'ada', followIncludes: true }),
    ).toThrow(/Include cycle: .*a\.conf → .*b\.conf → .*a\.conf/);
    for (let i = 0; i < 20; i++)
      write(path.join(home, `.ssh/d${i}.conf`), `Include d${i + 1}.conf\n`);
    expect(() =>
      importSshConfig('Include d0.conf\n', { home, defaultUser: 'ada', followIncludes: true }),
    ).toThrow(/more than 16 levels/);
  });

  it('never reads a device, a FIFO or a huge file (no hang, no flood)', () => {
    const home = newHome();
    const fifo = path.join(home, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => readConfigFile('/dev/zero')).toThrow(/not a regular file/);
    expect(() => readConfigFile(fifo)).toThrow(/not a regular file/);
    write(path.join(home, 'big'), 'x'.repeat(1_000_001));
    expect(() => readConfigFile(path.join(home, 'big'))).toThrow(/larger than 1 MB/);
    const r = importSshConfig(`Include /dev/zero ${fifo}\nHost a\n  HostName 10.0.0.1\n`, {
      home,
      defaultUser: 'ada',
      followIncludes: true,
    });
    expect(hostsOf(r)).toEqual({ a: 'ada@10.0.0.1:22' });
    expect(r.warnings.join(' ')).toMatch(/not a regular file/);
  });

  it('agrees with ssh -G on every host of a split config', () => {
    const home = newHome();
    const dir = path.join(home, 'cfg');
    write(path.join(dir, 'inc/10-defaults.conf'), 'Host *.lab\n  User labops\n  Port 2022\n');
    write(
      path.join(dir, 'inc/20-nodes.conf'),
      'Host gpu-a.lab\n  HostName 198.51.100.11\nHost gpu-b.lab\n  HostName 198.51.100.12\n  Port 2200\n',
    );
    write(path.join(dir, 'team.conf'), 'Host edge\n  HostName 203.0.113.5\n  User edgeuser\n');
    write(
      path.join(dir, 'only-prod.conf'),
      'User prodonly\nHost in-prod\n  HostName 203.0.113.9\n',
    );
    const main = path.join(dir, 'config');
    write(
      main,
      [
        `Include ${dir}/inc/*.conf`,
        'Host edge',
        `  Include ${dir}/team.conf`,
        '  Port 2201',
        'Host *.prod in-prod',
        `  Include ${dir}/only-prod.conf`,
        'Host plain',
        '  HostName 203.0.113.7',
        '',
      ].join('\n'),
    );
    const me = os.userInfo().username;
    const r = importSshConfig(fs.readFileSync(main, 'utf8'), {
      home,
      defaultUser: me,
      followIncludes: true,
      origin: main,
    });
    const ours = hostsOf(r);
    expect(Object.keys(ours).sort()).toEqual([
      'edge',
      'gpu-a.lab',
      'gpu-b.lab',
      'in-prod',
      'plain',
    ]);
    for (const alias of Object.keys(ours)) {
      const g = execFileSync('ssh', ['-G', '-F', main, alias], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      const get = (k: string) => new RegExp(`^${k} (.*)$`, 'm').exec(g)?.[1];
      expect(ours[alias], alias).toBe(`${get('user')}@${get('hostname')}:${get('port')}`);
    }
  });

  it('the app and the CLI follow Include (nodes.importPreview), and refuse a cycle as a validation error on the source', async () => {
    const home = newHome();
    write(path.join(home, 'split/gpus.conf'), 'Host gpu9\n  HostName 10.0.0.9\n  User root\n');
    write(path.join(home, 'split/loop.conf'), `Include ${home}/split/loop.conf\n`);
    const nodes = { list: async () => [] } as unknown as NodeInventory;
    const preview = await previewImport(nodes, 'c1', {
      kind: 'ssh-config',
      text: `Include ${home}/split/*.conf\n`.replace('*', 'gpus'),
    });
    expect(preview.candidates.map((c) => `${c.alias} ${c.user}@${c.host}`)).toEqual([
      'gpu9 root@10.0.0.9',
    ]);
    await expect(
      previewImport(nodes, 'c1', { kind: 'ssh-config', text: `Include ${home}/split/loop.conf\n` }),
    ).rejects.toMatchObject({ code: 'validation', issues: [{ path: 'source' }] });
    await expect(
      previewImport(nodes, 'c1', { kind: 'ssh-config-file', path: '/dev/zero' }),
    ).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: 'source.path', message: 'not a regular file' }],
    });
  });
});

describe('ssh config the parser cannot read', () => {
  it("is refused as the user's input (a validation error on the source), never an internal error", async () => {
    const nodes = { list: async () => [] } as unknown as NodeInventory;
    await expect(
      previewImport(nodes, 'c1', { kind: 'ssh-config', text: 'Host a\n  ProxyJump "unclosed\n' }),
    ).rejects.toMatchObject({ code: 'validation', issues: [{ path: 'source' }] });
  });
});
