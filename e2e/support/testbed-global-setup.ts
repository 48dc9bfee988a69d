/** vitest globalSetup for the cluster suite: reuse or bring up the shared 3-node testbed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testbed } from './testbed';

export default function setup() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-testbed-')), 'testbed.json');
  let ownedByUs = false;
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
  process.env.RAYDECK_TESTBED_JSON = out;
  return () => {
    if (ownedByUs) testbed(['down']);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  };
}
