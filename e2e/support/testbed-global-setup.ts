/**
 * vitest globalSetup for the cluster suite: hold the testbed lock for the whole run (a bench or
 * another suite waits instead of rebuilding the nodes under the tests), then reuse or bring up
 * the shared 3-node testbed. The workers and the testbed commands the tests run inherit
 * RAYDECK_TESTBED_LOCK_HELD=1 and do not wait for the lock themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testbed } from './testbed';
import { holdTestbedLock } from './testbed-lock';

export default async function setup() {
  const release = await holdTestbedLock('the cluster test suite');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-testbed-')), 'testbed.json');
  let ownedByUs = false;
  try {
    let status: { up?: boolean; nodes?: unknown[] };
    try {
      status = JSON.parse(testbed(['status', '--json']));
    } catch {
      status = {};
    }
    if (status.up && (status.nodes?.length ?? 0) >= 3) {
      fs.writeFileSync(out, testbed(['describe']));
    } else {
      testbed(['up', '--nodes', '3', '--gpus', '2', '--force', '--out', out]);
      ownedByUs = true;
    }
  } catch (err) {
    release();
    throw err;
  }
  process.env.RAYDECK_TESTBED_JSON = out;
  return () => {
    try {
      if (ownedByUs) testbed(['down']);
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    } finally {
      release();
    }
  };
}
