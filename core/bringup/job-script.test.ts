/**
 * The job runner remote/scripts/job/ run locally as `python3 <folder>` (its own $HOME, a
 * stand-in venv whose `python -m pip install` sleeps and records when it ran): one install per
 * venv whichever run starts it, "installed" only after a finished install, and start refused on
 * a node without one. The testbed's cluster suite proves the same with real pip and Ray.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHomes } from '../testing/temp-home';

const JOB_PY = path.resolve(__dirname, '../../remote/scripts/job');
const newHome = useTempHomes();

/** A venv whose python answers pip --version, runs a slow `pip install` (logged) and the pin check. */
function fakeVenv(home: string, pipSeconds: number): { venv: string; pipLog: string } {
  const venv = path.join(home, '.raydeck', 'venv');
  const pipLog = path.join(home, 'pip-runs.log');
  fs.mkdirSync(path.join(venv, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(venv, 'bin', 'python'),
    `#!/bin/bash
if [ "$1 $2 $3" = "-m pip install" ]; then echo "start $$ $(date +%s.%N)" >>${JSON.stringify(pipLog)}; sleep ${pipSeconds}; echo "end $$ $(date +%s.%N)" >>${JSON.stringify(pipLog)}; exit 0; fi
exit 0
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(venv, 'bin', 'ray'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
  return { venv, pipLog };
}

function job(
  home: string,
  input: Record<string, unknown>,
): Record<string, unknown> & { state?: string; code?: number | null; error?: string } {
  const r = spawnSync('python3', [JOB_PY], {
    input: JSON.stringify(input),
    env: { PATH: process.env.PATH, HOME: home },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last);
}

const install = (name: string, extra: Record<string, unknown> = {}) => ({
  action: 'start',
  job: name,
  step: 'install',
  params: { rayVersion: '2.60.0' },
  ...extra,
});

describe('job runner: one install per venv', () => {
  it("a second run's install attaches to the running one: one pip, both runs see it finish (issue 20 item 2)", () => {
    const home = newHome();
    const { venv, pipLog } = fakeVenv(home, 2);
    expect(job(home, install('run1-install')).state).toBe('running');
    const second = job(home, install('run2-install'));
    expect(second.state).toBe('running');
    expect(fs.lstatSync(path.join(home, '.raydeck/jobs/run2-install')).isSymbolicLink()).toBe(true);
    const done = job(home, { action: 'follow', job: 'run2-install', offset: 0 });
    expect(done).toMatchObject({ state: 'exited', code: 0 });
    expect(job(home, { action: 'poll', job: 'run1-install' })).toMatchObject({
      state: 'exited',
      code: 0,
    });
    expect(fs.readFileSync(pipLog, 'utf8').match(/^start/gm)).toHaveLength(1);
    expect(fs.readFileSync(path.join(venv, '.raydeck-installed'), 'utf8')).toContain(
      'ray[serve]==2.60.0',
    );
    // A third run finds it installed and runs no pip.
    const third = job(home, install('run3-install', { follow: true }));
    expect(third).toMatchObject({ state: 'exited', code: 0 });
    expect(fs.readFileSync(path.join(home, '.raydeck/jobs/run3-install/log'), 'utf8')).toMatch(
      /already installed .*nothing to do/,
    );
    expect(fs.readFileSync(pipLog, 'utf8').match(/^start/gm)).toHaveLength(1);
  }, 30_000);

  it('a finished job under the same name is not a reason to attach: a later failed run starts its own', () => {
    const home = newHome();
    fakeVenv(home, 0);
    expect(job(home, install('a-install', { follow: true }))).toMatchObject({
      state: 'exited',
      code: 0,
    });
    fs.rmSync(path.join(home, '.raydeck/venv/.raydeck-installed'));
    expect(job(home, install('b-install', { follow: true }))).toMatchObject({
      state: 'exited',
      code: 0,
    });
    expect(fs.lstatSync(path.join(home, '.raydeck/jobs/b-install')).isSymbolicLink()).toBe(false);
  }, 30_000);

  it('refuses an uninstall while an install runs in the same venv', () => {
    const home = newHome();
    fakeVenv(home, 2);
    job(home, install('run1-install'));
    expect(
      job(home, { action: 'start', job: 'down-uninstall', step: 'uninstall', params: {} }).error,
    ).toMatch(/install job \(run1-install\) is still running/);
    job(home, { action: 'follow', job: 'run1-install', offset: 0 });
  }, 30_000);

  it('Ray with no finished install (killed mid-install: no marker) is not started (issue 20 item 3)', () => {
    const home = newHome();
    fakeVenv(home, 0);
    const refused = job(home, {
      action: 'start',
      job: 'x-start-head',
      step: 'start-head',
      params: { numGpus: 0 },
    });
    expect(refused.error).toMatch(
      /Ray is not installed in .*\.raydeck\/venv on this node \(no finished install there\): bring the cluster up first/,
    );
  });
});
