#!/usr/bin/env node
// The README's test command runs this (`npm run test:all`): installs what the tests need, then
// type-check, layer check, eslint + prettier, unit + whole-app tests, the Serve config
// conformance against Ray's own schema, browser e2e in Debian Chromium, the testbed's own unit
// tests, the Python on nodes (remote/tests), the Serve app builder's pytest suite, the testbed's
// smoke test on a real 3-node cluster, then the cluster suite (the core and the UI against that
// testbed: SSH, host keys, preflight, terminals, bring-up, faults, serving with real vLLM, the
// pipeline editor). Every stage runs even if an earlier one failed; the last line is the total
// as "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-test-'));
const only = process.argv.slice(2); // optional stage names, for local use

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function vitestCounts(file) {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    return {
      passed: j.numPassedTests,
      failed: j.numFailedTests + (j.success ? 0 : j.numFailedTests === 0 ? 1 : 0),
      skipped: j.numPendingTests + j.numTodoTests,
    };
  } catch {
    return null;
  }
}

const stages = [
  { name: 'deps', run: () => ({ ok: run('bash', ['scripts/install-test-deps.sh']) }) },
  { name: 'build', run: () => ({ ok: run('npm', ['run', '--silent', 'build']) }) },
  { name: 'typecheck', run: () => ({ ok: run('npx', ['tsc', '-b']) }) },
  {
    name: 'layers',
    run: () => ({ ok: run('npx', ['tsx', 'scripts/layer-check/check-layers.ts']) }),
  },
  {
    // eslint (typescript-eslint, React hooks, the layer map for editors) and prettier's check.
    name: 'lint',
    run: () => ({
      ok:
        run('npx', ['eslint', '--max-warnings', '0', '.']) &&
        run('npx', ['prettier', '--check', '--log-level', 'warn', '.']),
    }),
  },
  {
    name: 'unit',
    run: () => {
      const report = path.join(reportDir, 'unit.json');
      const ok = run('npx', ['vitest', 'run'], { RAYDECK_TEST_REPORT: report });
      return { ok, counts: vitestCounts(report) };
    },
  },
  {
    // Raydeck's Serve validator beside Ray 2.60's own ServeDeploySchema, on real configs: a venv
    // with ray[serve] in .cache/serve (made once, about a minute), then seconds.
    name: 'serve-conformance',
    run: () => {
      const report = path.join(reportDir, 'serve-conformance.json');
      const ok = run('npx', ['vitest', 'run', 'core/serve/conformance.test.ts'], {
        RAYDECK_SERVE_CONFORMANCE: '1',
        RAYDECK_TEST_REPORT: report,
      });
      return { ok, counts: vitestCounts(report) };
    },
  },
  {
    name: 'e2e',
    run: () => {
      const report = path.join(reportDir, 'e2e.json');
      const ok = run('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts'], {
        RAYDECK_TEST_REPORT: report,
      });
      return { ok, counts: vitestCounts(report) };
    },
  },
  {
    name: 'testbed-unit',
    run: () => ({
      ok: run('python3', [
        '-m',
        'unittest',
        'discover',
        '-s',
        'scripts/testbed',
        '-p',
        'test_*.py',
      ]),
    }),
  },
  // remote/scripts/job/ (the bring-up job runner) and any other Python that runs on the nodes), run locally with stand-in venvs.
  {
    name: 'remote-unit',
    run: () => ({
      ok: run('python3', [
        '-B',
        '-m',
        'unittest',
        'discover',
        '-s',
        'remote/tests',
        '-p',
        'test_*.py',
      ]),
    }),
  },
  // Raydeck's Serve app builder (remote/raydeck_serve) with pytest against a real local Ray Serve:
  // a venv in .cache/pipeline (made once, a few minutes), the tiny local BERTs, then ~3 minutes.
  {
    name: 'pipeline-builder',
    run: () => {
      const r = spawnSync('scripts/pipeline/test-builder.sh', [], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      });
      process.stdout.write(r.stdout ?? '');
      const last = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
      const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(last)?.[1] ?? 0);
      const counts = /\d+ (passed|failed)/.test(last)
        ? {
            passed: count('passed'),
            failed: count('failed') + count('error'),
            skipped: count('skipped'),
          }
        : null;
      return { ok: r.status === 0, counts };
    },
  },
  {
    name: 'testbed-smoke',
    run: () => {
      const r = spawnSync('scripts/testbed/smoke', [], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      });
      process.stdout.write(r.stdout ?? '');
      const m = /(\d+) passed, (\d+) failed/.exec((r.stdout ?? '').trim().split('\n').at(-1) ?? '');
      return {
        ok: r.status === 0,
        counts: m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 } : null,
      };
    },
  },
  {
    // The core and the UI against real sshd nodes and a real Ray: one testbed for the whole suite.
    name: 'cluster',
    run: () => {
      const report = path.join(reportDir, 'cluster.json');
      const ok = run('npx', ['vitest', 'run', '-c', 'vitest.cluster.config.ts'], {
        RAYDECK_TEST_REPORT: report,
      });
      return { ok, counts: vitestCounts(report) };
    },
  },
];

const results = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const { ok, counts = null } = stage.run();
  results.push({ name: stage.name, ok, counts, seconds: (Date.now() - started) / 1000 });
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\n=== summary ===');
for (const r of results) {
  // A stage without its own test counts counts as one check.
  const c = r.counts ?? { passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1, skipped: 0 };
  if (!r.ok && c.failed === 0) c.failed = 1;
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  console.log(
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(14)} ${String(c.passed).padStart(4)} passed ${String(c.failed).padStart(3)} failed  ${r.seconds.toFixed(1)}s`,
  );
}
fs.rmSync(reportDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
