/**
 * Raydeck's verdict on the corpus of real Serve configs (corpus/SOURCES.md), without Ray: which
 * files it refuses and for which classes, which pass with warnings, and that opening and saving
 * each file without an edit leaves it byte-identical. conformance.test.ts puts Ray's own
 * verdict beside this one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusFiles } from './corpus';
import { openServeFile, saveServeFile, validateServeText } from './serve-file';

/** Each file's findings by class; `~` marks a warning. An empty list: accepted without a word. */
const EXPECTED: Record<string, string[]> = {
  'public-multimodal-llm-app.yaml': ['renamed-key'], // engine_kwargs.task: removed in vLLM 0.13
  'public-rayservice-llm-serve.yaml': ['~public-bind'],
  'ray-doc-application_level_autoscaling.yaml': [],
  'ray-doc-config.yaml': [],
  'ray-doc-external_scaler_config.yaml': [],
  'ray-doc-llm-direct-streaming.yaml': [],
  'ray-doc-llm-model-loading-s3.yaml': [],
  'ray-doc-pd-nixl_example.yaml': [],
  'ray-doc-rayservice-fake_email_creator.yaml': ['~public-bind'],
  'ray-doc-rayservice-k8s_config-multidoc.yaml': ['~public-bind'],
  'ray-llm-test-kv_aware_deployment.yaml': [],
  'ray-llm-test-separate_model_config_files.yaml': ['import-path'], // ray.llm._internal.serve.builders is gone in 2.60
  'ray-test-apps_with_args.yaml': [],
  'ray-test-apps_with_http.yaml': ['wrong-level', 'wrong-level', 'wrong-level'], // top-level port, per-app ports
  'ray-test-arithmetic.yaml': [],
  'ray-test-bad_config.yaml': ['unknown-key', 'required'],
  'ray-test-bad_multi_config.yaml': ['duplicate-route-prefix'],
  'ray-test-bad_runtime_env.yaml': [],
  'ray-test-basic_multi.yaml': [],
  'ray-test-basic_multi_http.yaml': [],
  'ray-test-deploy_grpc_app.yaml': [],
  'ray-test-deployment_actors.yaml': [],
  'ray-test-duplicate_app_names.yaml': ['duplicate-app-name'],
  'ray-test-duplicate_app_routes.yaml': ['duplicate-route-prefix'],
  'ray-test-gang_scheduling.yaml': [],
  'ray-test-max_replicas_per_node.yaml': [],
  'ray-test-pizza.yaml': ['wrong-level', 'required', 'wrong-level'], // single-app format
  'ray-test-replica_placement_groups.yaml': ['~placement-group'], // a 0.1-CPU bundle for a 1-CPU replica
  'ray-test-three_deployments.yaml': ['wrong-level', 'required'],
  'ray-test-two_deployments.yaml': ['wrong-level', 'required'],
  'ray-test-use_custom_autoscaling.yaml': ['renamed-key'], // policy.name: Ray drops it
  'ray-test-use_custom_request_router.yaml': [],
  'raydeck-pipeline-custom.yaml': [],
  'raydeck-pipeline-gateway.yaml': [],
  'raydeck-pipeline-rag.yaml': [],
  'raydeck-pipeline-tp-llm.yaml': [],
  'seed-architecture-rayservice.yaml': ['~public-bind'],
  'seed-guide-serve_config-multinode.yaml': [],
  'seed-guide-serve_config.yaml': [],
};

describe('the Serve config corpus', () => {
  it('has 20+ real configs, each listed in SOURCES.md and in this table', () => {
    const files = corpusFiles();
    const sources = fs.readFileSync(path.join(CORPUS_DIR, 'SOURCES.md'), 'utf8');
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.filter((f) => !sources.includes(`\`${f}\``))).toEqual([]);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(corpusFiles())('%s: Raydeck finds what the table says, each with a line', (file) => {
    const r = validateServeText(fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8'), file);
    expect(r.diagnostics.map((d) => `${d.severity === 'error' ? '' : '~'}${d.code}`)).toEqual(
      EXPECTED[file],
    );
    expect(r.diagnostics.filter((d) => !d.line)).toEqual([]);
    expect(r.ok).toBe(!EXPECTED[file]!.some((c) => !c.startsWith('~')));
  });

  it("the seed documents' configs validate", () => {
    for (const file of corpusFiles().filter((f) => f.startsWith('seed-'))) {
      expect(validateServeText(fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8'), file).ok).toBe(
        true,
      );
    }
  });

  it('an unchanged save is byte-identical, for every corpus file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-serve-'));
    try {
      for (const file of corpusFiles()) {
        const copy = path.join(dir, file);
        fs.copyFileSync(path.join(CORPUS_DIR, file), copy);
        const opened = await openServeFile(copy);
        await saveServeFile(copy, opened.text);
        expect(fs.readFileSync(copy).equals(fs.readFileSync(path.join(CORPUS_DIR, file)))).toBe(
          true,
        );
      }
      expect(fs.readdirSync(dir).sort()).toEqual(corpusFiles()); // no temp file left behind
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
