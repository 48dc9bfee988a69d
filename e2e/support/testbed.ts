/**
 * The cluster test suite's testbed: one 3-node testbed (scripts/testbed) per suite run, shared by
 * every cluster test. If a testbed is already up (a developer's, or another suite's) it is reused
 * and left up; otherwise the suite brings one up and takes it down at the end.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TESTBED = path.join(ROOT, 'scripts', 'testbed', 'testbed');

export interface TestbedNode {
  name: string;
  host: string;
  port: number;
  user: string;
  identityFile: string;
  hostKeyFingerprints: string[];
  gpus: number;
}
export interface TestbedInfo {
  nodes: TestbedNode[];
  index: string;
}

export function testbed(args: string[], timeoutMs = 240_000): string {
  return execFileSync(TESTBED, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Faults are shared-state changes: always heal them in a `finally`. */
export function fault(kind: string, node: string): void {
  testbed(['fault', kind, node]);
}
export function heal(kind: string, node: string): void {
  testbed(['heal', kind, node]);
}

/** Reads the description of the running testbed (written by the global setup). */
export function testbedInfo(): TestbedInfo {
  const file = process.env.RAYDECK_TESTBED_JSON;
  if (!file || !fs.existsSync(file))
    throw new Error('No testbed description: run cluster tests with vitest.cluster.config.ts');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestbedInfo;
}

/**
 * Rebuilds the testbed's nodes bare (no Ray, no venv, new host keys) and rewrites the
 * description file every test reads: for suites that need nodes as a new user's would be.
 */
export function resetTestbed(): TestbedInfo {
  const file = process.env.RAYDECK_TESTBED_JSON;
  if (!file)
    throw new Error('No testbed description: run cluster tests with vitest.cluster.config.ts');
  testbed(['up', '--nodes', '3', '--gpus', '2', '--force', '--out', file]);
  return testbedInfo();
}

/** Runs a command on a testbed node over plain ssh (strict host key checking off: test tooling only, never the product). */
/** ssh's arguments to run `command` on a testbed node as its test user (keys from the testbed). */
function sshArgs(node: TestbedNode, command: string): string[] {
  return [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-i',
    node.identityFile,
    '-p',
    String(node.port),
    `${node.user}@${node.host}`,
    command,
  ];
}

export function onNode(node: TestbedNode, command: string): string {
  return execFileSync('ssh', sshArgs(node, command), { encoding: 'utf8', timeout: 60_000 });
}

/** `onNode` without blocking the test's event loop; resolves with stdout ('' on any failure). */
export function onNodeAsync(
  node: TestbedNode,
  command: string,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'ssh',
      sshArgs(node, command),
      { encoding: 'utf8', timeout: timeoutMs },
      (_err, stdout) => resolve(stdout ?? ''),
    );
  });
}
