/**
 * Conformance with Ray itself: every corpus config, and a set of one-mistake variants of real
 * configs, goes through Ray 2.60.0's own ServeDeploySchema (scripts/serve/ray_conformance.py,
 * in a venv made by scripts/serve/ray-env.sh) and through Raydeck's validator. Raydeck must
 * never accept what Ray rejects (at PUT time, or later when it builds the deployment), and must
 * name, by its exact path, every key Ray drops.
 * Runs when RAYDECK_SERVE_CONFORMANCE=1 (the `serve-conformance` stage of `npm run test:all`);
 * the first run creates the venv (about a minute), later runs take seconds.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCELERATOR_TYPES,
  RAY_SERVE_LLM_BUILDERS,
  formatConfigPath,
  knownKeys,
  validateServeConfig,
  validateServeYaml,
  type BlockKind,
  type ServeDiagnostic,
} from '../../shared';
import { CORPUS_DIR, corpusFiles } from './corpus';
import { isRayServiceManifest, readRayServiceManifest } from './kuberay';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const enabled = process.env.RAYDECK_SERVE_CONFORMANCE === '1';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const firstApp = (c: Json): Json => c.applications[0];
const firstDep = (c: Json): Json => (
  (firstApp(c).deployments ??= [{ name: 'Model' }]),
  firstApp(c).deployments[0]
);

/** One mistake each, as people make them; applied to real configs that Ray accepts. */
const MUTATIONS: Record<string, (c: Json) => void> = {
  'max_concurrent_queries (renamed)': (c) => void (firstDep(c).max_concurrent_queries = 8),
  'target_num_ongoing_requests_per_replica (renamed)': (c) =>
    void (
      delete firstDep(c).num_replicas,
      (firstDep(c).autoscaling_config = {
        max_replicas: 2,
        target_num_ongoing_requests_per_replica: 3,
      })
    ),
  'top-level host': (c) => void (c.host = '0.0.0.0'),
  'per-application port': (c) => void (firstApp(c).port = 8001),
  'route_prefix without /': (c) => void (firstApp(c).route_prefix = 'api'),
  'min_replicas > max_replicas': (c) =>
    void (
      delete firstDep(c).num_replicas,
      (firstDep(c).autoscaling_config = { min_replicas: 3, max_replicas: 2 })
    ),
  'min_replicas above the default max': (c) =>
    void (delete firstDep(c).num_replicas, (firstDep(c).autoscaling_config = { min_replicas: 2 })),
  'num_replicas with autoscaling_config': (c) =>
    void ((firstDep(c).num_replicas = 2), (firstDep(c).autoscaling_config = { max_replicas: 4 })),
  'negative num_gpus': (c) => void ((firstDep(c).ray_actor_options ??= {}).num_gpus = -1),
  'num_gpu typo in ray_actor_options': (c) =>
    void ((firstDep(c).ray_actor_options ??= {}).num_gpu = 1),
  'num_gpus on the deployment': (c) => void (firstDep(c).num_gpus = 1),
  'proxy_location typo': (c) => void (c.proxy_location = 'Everynode'),
  'target_capacity 150': (c) => void (c.target_capacity = 150),
  'logging_config typo': (c) => void (c.logging_config = { loglevel: 'DEBUG' }),
  'duplicate application': (c) => void c.applications.push(structuredClone(firstApp(c))),
  'import_path without dot or colon': (c) => void (firstApp(c).import_path = 'app'),
  'max_queued_requests 0': (c) => void (firstDep(c).max_queued_requests = 0),
  'backpressure status 500': (c) => void (firstDep(c).backpressure_config = { status_code: 500 }),
  'max_ongoing_requests 0': (c) => void (firstDep(c).max_ongoing_requests = 0),
  'negative graceful_shutdown_timeout_s': (c) =>
    void (firstDep(c).graceful_shutdown_timeout_s = -1),
  'local working_dir': (c) => void (firstApp(c).runtime_env = { working_dir: './app' }),
  'bundles with max_replicas_per_node': (c) =>
    void (
      (firstDep(c).placement_group_bundles = [{ CPU: 1 }]),
      (firstDep(c).max_replicas_per_node = 2)
    ),
  'gang_size not dividing num_replicas': (c) =>
    void ((firstDep(c).num_replicas = 3), (firstDep(c).gang_scheduling_config = { gang_size: 2 })),
  'rolling_update_percentage 1.5': (c) => void (firstDep(c).rolling_update_percentage = 1.5),
  'http_options typo': (c) => void (c.http_options = { ...c.http_options, prot: 8000 }),
  'grpc_options typo': (c) => void (c.grpc_options = { grpc_servicer_function: [] }),
  'autoscaling policy name': (c) =>
    void (
      delete firstDep(c).num_replicas,
      (firstDep(c).autoscaling_config = { max_replicas: 2, policy: { name: 'pkg.policy:fn' } })
    ),
  'health_check_period_s 0': (c) => void (firstDep(c).health_check_period_s = 0),
  'external scaler with autoscaling': (c) =>
    void (
      (firstApp(c).external_scaler_enabled = true),
      delete firstDep(c).num_replicas,
      (firstDep(c).num_replicas = 'auto')
    ),
};
/** Mistakes only YAML text can make: numbers Ray's reader (PyYAML, YAML 1.1) types its own way. */
const TEXT_CASES: Record<string, string> = {
  'exponent without a dot in an int field':
    'applications:\n- import_path: pkg.app:app\n  deployments:\n  - name: D\n    max_ongoing_requests: 1e3\n',
  'float in the strict int max_queued_requests':
    'applications:\n- import_path: pkg.app:app\n  deployments:\n  - name: D\n    max_queued_requests: 10.0\n',
  'yes as a boolean (YAML 1.1)':
    'applications:\n- import_path: pkg.app:app\n  logging_config:\n    enable_access_log: yes\n',
  'octal 010 (YAML 1.1)':
    'applications:\n- import_path: pkg.app:app\n  deployments:\n  - name: D\n    num_replicas: 010\n',
};
const BASES = [
  'seed-guide-serve_config.yaml',
  'ray-test-arithmetic.yaml',
  'ray-doc-config.yaml',
  'ray-test-gang_scheduling.yaml',
];

interface Case {
  id: string;
  file: string;
  index: number;
  raydeck: () => ServeDiagnostic[];
}
interface RayVerdict {
  file: string;
  index: number;
  accepted: boolean | null;
  needs_user_code: boolean;
  error: string | null;
  dropped: (string | number)[][];
  rejected_later: { path: (string | number)[]; error: string }[];
}

const workDir = enabled ? fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-conformance-')) : '';
const cases: Case[] = [];
if (enabled) {
  for (const file of corpusFiles()) {
    const full = path.join(CORPUS_DIR, file);
    const text = fs.readFileSync(full, 'utf8');
    if (isRayServiceManifest(text)) {
      readRayServiceManifest(text).forEach((svc, index) =>
        cases.push({
          id: `${file} [${svc.name}]`,
          file: full,
          index,
          raydeck: () => validateServeYaml(svc.text).diagnostics,
        }),
      );
    } else
      cases.push({
        id: file,
        file: full,
        index: 0,
        raydeck: () => validateServeYaml(text).diagnostics,
      });
  }
  for (const [name, text] of Object.entries(TEXT_CASES)) {
    const file = path.join(workDir, `text--${name.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, text);
    cases.push({
      id: `YAML text: ${name}`,
      file,
      index: 0,
      raydeck: () => validateServeYaml(text).diagnostics,
    });
  }
  for (const base of BASES) {
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      const config = parse(fs.readFileSync(path.join(CORPUS_DIR, base), 'utf8'));
      mutate(config);
      const file = path.join(
        workDir,
        `${base.replace(/\.yaml$/, '')}--${name.replace(/\W+/g, '-')}.json`,
      );
      fs.writeFileSync(file, JSON.stringify(config));
      cases.push({
        id: `${base} + ${name}`,
        file,
        index: 0,
        raydeck: () => validateServeConfig(config).diagnostics,
      });
    }
  }
}

describe.skipIf(!enabled)("conformance with Ray 2.60.0's own ServeDeploySchema", () => {
  let verdicts: Map<string, RayVerdict>;
  let rayVersion = '';
  let rayFields: Record<string, string[]> = {};
  let rayAccelerators: string[] = [];
  let rayBuilders: string[] = [];
  beforeAll(() => {
    const python = execFileSync(path.join(ROOT, 'scripts/serve/ray-env.sh'), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    const report = JSON.parse(
      execFileSync(
        python,
        [path.join(ROOT, 'scripts/serve/ray_conformance.py'), ...new Set(cases.map((c) => c.file))],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      ),
    );
    rayVersion = report.ray_version;
    const schema = JSON.parse(
      execFileSync(python, [path.join(ROOT, 'scripts/serve/ray_conformance.py'), '--schema'], {
        encoding: 'utf8',
      }),
    );
    rayFields = schema.fields;
    rayAccelerators = schema.accelerator_types;
    rayBuilders = schema.llm_builders;
    verdicts = new Map(report.results.map((r: RayVerdict) => [`${r.file}#${r.index}`, r]));
  }, 600_000);
  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('runs the pinned Ray, on 20+ real configs and their one-mistake variants', () => {
    expect(rayVersion).toBe('2.60.0');
    expect(cases.filter((c) => c.file.startsWith(CORPUS_DIR)).length).toBeGreaterThanOrEqual(20);
    expect(verdicts.size).toBe(cases.length);
  });

  it("knows exactly the keys of each block of Ray's models, Serve and Serve LLM (per-application host/port aside: refused)", () => {
    expect(Object.keys(rayFields).length).toBe(22); // 15 Serve models, 7 Ray Serve LLM models (read from Ray's source)
    for (const [kind, fields] of Object.entries(rayFields)) {
      const ours = knownKeys(kind as BlockKind);
      const theirs =
        kind === 'application' ? fields.filter((f) => f !== 'host' && f !== 'port') : fields;
      expect([kind, [...ours].sort()]).toEqual([kind, theirs]);
    }
  });

  it('knows the accelerator types and the app builders of Ray Serve LLM', () => {
    expect([...ACCELERATOR_TYPES].sort()).toEqual(rayAccelerators);
    expect([...RAY_SERVE_LLM_BUILDERS].sort()).toEqual(rayBuilders);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const ray = verdicts.get(`${c.file}#${c.index}`)!;
    const ds = c.raydeck();
    const errors = ds.filter((d) => d.severity === 'error');
    const summary = errors.map((d) => `${d.code} ${formatConfigPath(d.path)}`);
    if (ray.accepted === false || ray.rejected_later.length > 0) {
      // Ray refuses it, now or when it builds the deployment: Raydeck refuses it too.
      expect(summary, `Ray: ${ray.error ?? ray.rejected_later[0]?.error}`).not.toEqual([]);
    }
    for (const dropped of ray.dropped) {
      // Ray drops this key without a word: Raydeck names it, at that exact path.
      expect(
        errors.map((d) => JSON.stringify(d.path)),
        `Ray drops ${formatConfigPath(dropped)}`,
      ).toContain(JSON.stringify(dropped));
    }
  });

  it('reports where Raydeck is stricter than Ray, and where Ray needed the app code to decide', () => {
    const stricter = cases.filter(
      (c) =>
        verdicts.get(`${c.file}#${c.index}`)!.accepted === true &&
        c.raydeck().some((d) => d.severity === 'error'),
    );
    const needsCode = cases.filter((c) => verdicts.get(`${c.file}#${c.index}`)!.needs_user_code);
    console.log(
      [
        `serve conformance: ${cases.length} configs; Ray 2.60.0 rejects ${[...verdicts.values()].filter((v) => v.accepted === false).length} at PUT, ` +
          `${[...verdicts.values()].filter((v) => v.rejected_later.length).length} more when it builds them, drops keys in ${[...verdicts.values()].filter((v) => v.dropped.length).length}; ` +
          `Raydeck refuses ${stricter.length} that Ray's PUT accepts; Ray needed the application's code for ${needsCode.length}.`,
        ...stricter.map(
          (c) =>
            `  stricter: ${c.id}: ${c
              .raydeck()
              .filter((d) => d.severity === 'error')
              .map((d) => d.code)
              .join(', ')}`,
        ),
      ].join('\n'),
    );
    // Each of these is either a key Ray drops or something Ray fails on later.
    for (const c of stricter) {
      const ray = verdicts.get(`${c.file}#${c.index}`)!;
      const codes = c
        .raydeck()
        .filter((d) => d.severity === 'error')
        .map((d) => d.code);
      const explained =
        ray.dropped.length > 0 ||
        ray.rejected_later.length > 0 ||
        codes.every((k) => LATER_FAILURES.has(k));
      expect(explained, `${c.id}: ${codes.join(', ')}`).toBe(true);
    }
  });
});

/** Classes Raydeck refuses although Ray's PUT takes them, because they fail later on the cluster. */
const LATER_FAILURES = new Set<ServeDiagnostic['code']>([
  'route-prefix',
  'import-path',
  'replicas-order',
  'placement-group',
  'runtime-env-uri',
  'engine-kwarg',
  'renamed-key',
  'llm-config',
  'gang-scheduling',
  'duplicate-deployment-name',
]);
