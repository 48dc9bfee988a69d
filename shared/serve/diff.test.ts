/**
 * The structural diff against what Ray runs (a live instance built like core/ray/serve-api.ts
 * reads it): added / removed / changed per application and deployment with old -> new values,
 * unchanged apps listed as unchanged, the PUT's deletions named, imperative apps kept.
 */
import { describe, expect, it } from 'vitest';
import { diffServeConfig } from './diff';
import { describeDiff } from './diff-text';
import type { ServeApplication, ServeInstance } from './status';
import { parseYaml } from './yaml-source';

const app = (
  name: string,
  deployedConfig: Record<string, unknown> | null,
  source = 'declarative',
): ServeApplication => ({
  name,
  routePrefix: '/',
  status: 'RUNNING',
  message: '',
  lastDeployedAt: 1,
  source,
  deployedConfig,
  ingressDeployment: null,
  deployments: [],
});
const live = (...applications: ServeApplication[]): ServeInstance => ({
  serveRunning: true,
  proxyLocation: 'HeadOnly',
  httpOptions: { host: '127.0.0.1', port: 8000, root_path: '' },
  grpcOptions: { port: 9000 },
  proxies: [],
  targetCapacity: null,
  applications,
});

const echo = {
  name: 'echo',
  route_prefix: '/echo',
  import_path: 'demo_app:build_app',
  deployments: [
    { name: 'Echo', num_replicas: 1, user_config: { greeting: 'salut' } },
    { name: 'Router' },
  ],
};
const chat = {
  name: 'chat',
  route_prefix: '/',
  import_path: 'ray.serve.llm:build_openai_app',
  args: { llm_configs: [{ model_loading_config: { model_id: 'tiny' } }] },
};

const edited = (text: string) => parseYaml(text).value;

describe('diffServeConfig', () => {
  it('per application and deployment: added, changed fields old -> new, removed, unchanged', () => {
    const d = diffServeConfig(
      edited(`applications:
- name: echo
  route_prefix: /echo
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 3
    user_config: {greeting: hello}
  - name: Extra
    max_ongoing_requests: 8
- name: chat
  route_prefix: /
  import_path: ray.serve.llm:build_openai_app
  args: {llm_configs: [{model_loading_config: {model_id: tiny}}]}
- name: new
  import_path: pkg.mod:app
`),
      live(app('echo', echo), app('chat', chat)),
    );
    expect(d.applications.map((a) => [a.name, a.change])).toEqual([
      ['echo', 'changed'],
      ['chat', 'unchanged'],
      ['new', 'added'],
    ]);
    const e = d.applications[0]!;
    expect(e.fields).toEqual([]);
    expect(e.deployments).toEqual([
      {
        name: 'Echo',
        change: 'changed',
        fields: [
          { path: ['num_replicas'], kind: 'changed', before: 1, after: 3 },
          { path: ['user_config', 'greeting'], kind: 'changed', before: 'salut', after: 'hello' },
        ],
      },
      {
        name: 'Extra',
        change: 'added',
        fields: [
          { path: ['name'], kind: 'added', before: undefined, after: 'Extra' },
          { path: ['max_ongoing_requests'], kind: 'added', before: undefined, after: 8 },
        ],
      },
      {
        name: 'Router',
        change: 'removed',
        fields: [{ path: ['name'], kind: 'removed', before: 'Router', after: undefined }],
      },
    ]);
    expect(d.applications[2]!.fields.map((f) => f.path[0])).toEqual(['name', 'import_path']);
    expect(d.deletes).toEqual([]);
    expect(d.changed).toBe(true);
    expect(describeDiff(d)).toContain('      ~ num_replicas: 1 -> 3');
  });

  it('an application left out is DELETED by the PUT, and the diff says so first and loudly', () => {
    const d = diffServeConfig(
      edited(
        'applications:\n- name: echo\n  route_prefix: /echo\n  import_path: demo_app:build_app\n  deployments:\n  - {name: Echo, num_replicas: 1, user_config: {greeting: salut}}\n  - {name: Router}\n',
      ),
      live(app('echo', echo), app('chat', chat)),
    );
    expect(d.deletes).toEqual(['chat']);
    expect(d.applications.find((a) => a.name === 'chat')).toMatchObject({
      change: 'removed',
      liveStatus: 'RUNNING',
    });
    expect(d.applications.find((a) => a.name === 'echo')!.change).toBe('unchanged');
    const lines = describeDiff(d);
    expect(lines[0]).toMatch(/^WARNING: this apply DELETES 1 running application: chat/);
    expect(lines).toContain(
      'application chat [RUNNING]: DELETED — not in the config: the PUT DELETES this application and its replicas',
    );
  });

  it('an empty applications list deletes everything declarative; serve.run apps are kept', () => {
    const d = diffServeConfig(
      edited('applications: []\n'),
      live(app('echo', echo), app('script', null, 'imperative')),
    );
    expect(d.deletes).toEqual(['echo']);
    expect(d.applications.find((a) => a.name === 'script')!.change).toBe('kept');
  });

  it('the same config again is no change; a field Ray holds that the edit drops is removed; the default app name', () => {
    const same = diffServeConfig(
      edited('applications:\n- import_path: pkg:app\n  args: {a: 1}\n'),
      live(app('default', { import_path: 'pkg:app', args: { a: 1 } })),
    );
    expect(same.changed).toBe(false);
    expect(describeDiff(same)).toEqual([
      'application default [RUNNING]: unchanged',
      'No change: Ray already runs this config.',
    ]);
    const dropped = diffServeConfig(
      edited('applications:\n- import_path: pkg:app\n'),
      live(app('default', { import_path: 'pkg:app', args: { a: 1 } })),
    );
    expect(dropped.applications[0]!.fields).toEqual([
      { path: ['args'], kind: 'removed', before: { a: 1 }, after: undefined },
    ]);
  });

  it('a top-level logging_config is compared as Ray holds it: copied into each app without one', async () => {
    const held = { import_path: 'pkg:app', logging_config: { log_level: 'DEBUG' } };
    const text = 'logging_config: {log_level: DEBUG}\napplications:\n- import_path: pkg:app\n';
    expect(diffServeConfig(edited(text), live(app('default', held))).changed).toBe(false);
    const other = diffServeConfig(
      edited(text.replace('DEBUG}', 'INFO}')),
      live(app('default', held)),
    );
    expect(other.applications[0]!.fields).toEqual([
      { path: ['logging_config', 'log_level'], kind: 'changed', before: 'DEBUG', after: 'INFO' },
    ]);
  });

  it('start-only options (http_options) that differ are flagged as ignored by Ray while Serve runs', () => {
    const d = diffServeConfig(
      edited('http_options: {port: 8001, host: 127.0.0.1}\napplications: []\n'),
      live(),
    );
    expect(d.ignoredTopLevel).toEqual([
      { path: ['http_options', 'port'], kind: 'changed', before: 8000, after: 8001 },
    ]);
    expect(d.changed).toBe(false);
  });
});
