/**
 * The job runner's (remote/scripts/job/) package index handling, run locally as
 * `python3 <folder>` over a stand-in venv whose python records how pip was called (issue 16
 * item 5): credentials reach pip only through a 0600 config file (never its command line, never
 * run.sh), the file is gone after the install, plain http trusts the host (not the user name
 * before "@"), and IPv6 index hosts pass.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';

const JOB_PY = path.resolve(__dirname, '../../remote/scripts/job');
const newHome = useTempHomes();

/** A venv whose `python -m pip install` writes its argv, PIP_CONFIG_FILE, that file's mode and text. */
function recordingVenv(home: string): string {
  const venv = path.join(home, '.raydeck', 'venv');
  const rec = path.join(home, 'pip-call.txt');
  fs.mkdirSync(path.join(venv, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(venv, 'bin', 'python'),
    `#!/bin/bash
if [ "$1 $2 $3" = "-m pip install" ]; then
  { echo "ARGV: $*"; echo "CONF: \${PIP_CONFIG_FILE:-}"; [ -n "\${PIP_CONFIG_FILE:-}" ] && stat -c 'MODE: %a' "$PIP_CONFIG_FILE" && cat "$PIP_CONFIG_FILE"; } >${JSON.stringify(rec)}
  exit \${FAKE_PIP_EXIT:-0}
fi
exit 0
`,
    { mode: 0o755 },
  );
  return rec;
}

function job(home: string, input: Record<string, unknown>, env: Record<string, string> = {}) {
  const r = spawnSync('python3', [JOB_PY], {
    input: JSON.stringify(input),
    env: { PATH: process.env.PATH, HOME: home, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
    state?: string;
    code?: number;
    error?: string;
  };
}

const install = (name: string, url: string) => ({
  action: 'start',
  job: name,
  step: 'install',
  follow: true,
  params: { rayVersion: '2.60.0', source: { kind: 'index', url } },
});

describe('job runner: package index credentials', () => {
  it('gives pip the index through a 0600 config file, never on its command line or in run.sh', () => {
    const home = newHome();
    const rec = recordingVenv(home);
    expect(
      job(home, install('r1-install', 'https://alice:s3cret-pw@mirror.example/simple')),
    ).toMatchObject({ state: 'exited', code: 0 });
    const call = fs.readFileSync(rec, 'utf8');
    expect(call).toMatch(/^ARGV: -m pip install /m);
    expect(call.split('\n')[0]).not.toContain('s3cret-pw');
    expect(call).toContain('MODE: 600');
    expect(call).toContain('index-url = https://alice:s3cret-pw@mirror.example/simple');
    const jobDir = path.join(home, '.raydeck/jobs/r1-install');
    expect(fs.readFileSync(path.join(jobDir, 'run.sh'), 'utf8')).not.toContain('s3cret-pw');
    // Gone once pip is done; the job folder is the user's alone.
    expect(fs.existsSync(path.join(jobDir, 'pip.conf'))).toBe(false);
    expect(fs.statSync(jobDir).mode & 0o077).toBe(0);
  });

  it('removes the config file when pip fails too', () => {
    const home = newHome();
    recordingVenv(home);
    expect(
      job(home, install('r2-install', 'https://alice:s3cret-pw@mirror.example/simple'), {
        FAKE_PIP_EXIT: '1',
      }),
    ).toMatchObject({ state: 'exited', code: 1 });
    expect(fs.existsSync(path.join(home, '.raydeck/jobs/r2-install/pip.conf'))).toBe(false);
  });

  it('trusts a plain-http index by its host (not the user name before "@"), IPv6 hosts included', () => {
    for (const [url, trusted] of [
      ['http://bob:pw@10.1.2.3:8080/simple', 'trusted-host = 10.1.2.3'],
      ['http://[fd00::7]:3141/root/+simple/', 'trusted-host = [fd00::7]'],
    ] as const) {
      const home = newHome();
      const rec = recordingVenv(home);
      expect(job(home, install('r3-install', url))).toMatchObject({ state: 'exited', code: 0 });
      const call = fs.readFileSync(rec, 'utf8');
      expect(call, url).toContain(trusted);
      expect(call, url).not.toMatch(/trusted-host = bob/);
    }
  });
});
