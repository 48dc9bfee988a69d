/**
 * The YAML round-trip: an edit changes the bytes of the value it touches and nothing else;
 * comments, key order, quoting and the list style of the user's file stay as written.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { deleteInYaml, setInYaml } from './yaml-edit';

// Ray docs style: lists not indented under their key, comments everywhere, mixed quoting.
const SOURCE = `# Serve config for the LLM app  (comment kept)
proxy_location: EveryNode

http_options:
  host: 127.0.0.1   # through the SSH tunnel
  port: 8000

applications:
- name: llm            # the app
  route_prefix: "/v1"
  import_path: 'ray.serve.llm:build_openai_app'
  args:
    llm_configs:
    - model_loading_config:
        model_id: qwen
      engine_kwargs: {max_model_len: 2048}
  deployments:
  - name: LLMServer
    num_replicas: 1
    ray_actor_options:
      num_cpus: 2
    user_config:
      greeting: |
        hello
        there
`;

/** Lines that differ between a and b (by index; both must have the same line count). */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  return y.filter((line, i) => line !== x[i]);
}

describe('setInYaml', () => {
  it('changes one scalar and no other byte; setting it back gives the original bytes', () => {
    const next = setInYaml(SOURCE, ['applications', 0, 'deployments', 0, 'num_replicas'], 3);
    expect(changedLines(SOURCE, next)).toEqual(['    num_replicas: 3']);
    expect(setInYaml(next, ['applications', 0, 'deployments', 0, 'num_replicas'], 1)).toBe(SOURCE);
  });
  it('keeps the quoting style and the trailing comment of the value it replaces', () => {
    const next = setInYaml(SOURCE, ['applications', 0, 'route_prefix'], '/v2');
    expect(changedLines(SOURCE, next)).toEqual(['  route_prefix: "/v2"']);
    const named = setInYaml(SOURCE, ['applications', 0, 'name'], 'chat');
    expect(changedLines(SOURCE, named)).toEqual(['- name: chat            # the app']);
    const single = setInYaml(SOURCE, ['applications', 0, 'import_path'], 'pkg.app:build');
    expect(changedLines(SOURCE, single)).toEqual(["  import_path: 'pkg.app:build'"]);
  });
  it('adds a missing key at the end of its mapping, indented like its siblings', () => {
    const next = setInYaml(
      SOURCE,
      ['applications', 0, 'deployments', 0, 'max_ongoing_requests'],
      8,
    );
    const doc = parseDocument(next);
    expect(doc.getIn(['applications', 0, 'deployments', 0, 'max_ongoing_requests'])).toBe(8);
    // everything before the insertion point is byte-identical
    const at = next.indexOf('    max_ongoing_requests: 8\n');
    expect(at).toBeGreaterThan(0);
    expect(next.slice(0, at) + next.slice(at + '    max_ongoing_requests: 8\n'.length)).toBe(
      SOURCE,
    );
  });
  it('creates missing parents as a nested block (ray_actor_options.num_gpus, autoscaling_config)', () => {
    const gpus = setInYaml(
      SOURCE,
      ['applications', 0, 'deployments', 0, 'ray_actor_options', 'num_gpus'],
      1,
    );
    expect(
      parseDocument(gpus).getIn([
        'applications',
        0,
        'deployments',
        0,
        'ray_actor_options',
        'num_gpus',
      ]),
    ).toBe(1);
    expect(gpus.replace('      num_gpus: 1\n', '')).toBe(SOURCE);
    const auto = setInYaml(SOURCE, ['applications', 0, 'deployments', 0, 'autoscaling_config'], {
      min_replicas: 1,
      max_replicas: 4,
    });
    expect(parseDocument(auto).toJS().applications[0].deployments[0].autoscaling_config).toEqual({
      min_replicas: 1,
      max_replicas: 4,
    });
    expect(auto).toContain('# Serve config for the LLM app  (comment kept)');
    expect(auto).toContain('host: 127.0.0.1   # through the SSH tunnel');
  });
  it('appends an application to a list written without indentation', () => {
    const next = setInYaml(SOURCE, ['applications', 1], {
      name: 'emb',
      route_prefix: '/emb',
      import_path: 'pkg.emb:app',
    });
    expect(next.startsWith(SOURCE)).toBe(true);
    expect(next.slice(SOURCE.length)).toBe(
      '- name: emb\n  route_prefix: /emb\n  import_path: pkg.emb:app\n',
    );
  });
  it('falls back to the Document API for flow mappings, still keeping comments', () => {
    const next = setInYaml(
      SOURCE,
      ['applications', 0, 'args', 'llm_configs', 0, 'engine_kwargs', 'max_model_len'],
      4096,
    );
    expect(
      parseDocument(next).getIn([
        'applications',
        0,
        'args',
        'llm_configs',
        0,
        'engine_kwargs',
        'max_model_len',
      ]),
    ).toBe(4096);
    expect(next).toContain('# the app');
  });
});

describe('deleteInYaml', () => {
  it('removes exactly the lines of one entry', () => {
    const next = deleteInYaml(SOURCE, ['applications', 0, 'deployments', 0, 'ray_actor_options']);
    expect(next).toBe(SOURCE.replace('    ray_actor_options:\n      num_cpus: 2\n', ''));
    expect(deleteInYaml(SOURCE, ['http_options', 'port'])).toBe(
      SOURCE.replace('  port: 8000\n', ''),
    );
  });
  it('leaves the text alone when the path is absent', () => {
    expect(deleteInYaml(SOURCE, ['applications', 0, 'nope'])).toBe(SOURCE);
  });
});
