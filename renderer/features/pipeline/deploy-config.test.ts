/** Deploy keeps the cluster's other running applications next to the compiled pipeline. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ServeInstance } from '../../../shared';
import { withRunningApps } from './deploy-config';

const COMPILED = `# Compiled by Raydeck from pipeline rag
applications:
  - name: rag
    route_prefix: /rag
    import_path: raydeck_serve.app:build
`;

function live(apps: { name: string; config: Record<string, unknown> | null }[]): ServeInstance {
  return {
    serveRunning: true,
    proxyLocation: null,
    httpOptions: null,
    grpcOptions: null,
    proxies: [],
    targetCapacity: null,
    applications: apps.map((a) => ({
      name: a.name,
      routePrefix: null,
      status: 'RUNNING',
      message: '',
      lastDeployedAt: null,
      source: a.config ? 'declarative' : 'imperative',
      deployedConfig: a.config,
      ingressDeployment: null,
      deployments: [],
    })),
  };
}

describe('withRunningApps', () => {
  it('keeps other declarative apps, replaces the running copy of the pipeline, keeps comments', () => {
    const r = withRunningApps(
      COMPILED,
      live([
        { name: 'llm', config: { name: 'llm', route_prefix: '/llm', import_path: 'a:b' } },
        { name: 'rag', config: { name: 'rag', route_prefix: '/old', import_path: 'old:x' } },
        { name: 'notebook', config: null },
      ]),
    );
    expect(r.kept).toEqual(['llm']);
    expect(r.dropped).toEqual([]);
    const apps = (parse(r.text) as { applications: { name: string; route_prefix: string }[] })
      .applications;
    expect(apps.map((a) => [a.name, a.route_prefix])).toEqual([
      ['llm', '/llm'],
      ['rag', '/rag'],
    ]);
    expect(r.text).toContain('# Compiled by Raydeck from pipeline rag');
    expect(r.text).toContain('Running on the cluster now, kept: llm');
  });

  it('sends the compiled text as it is when nothing else runs', () => {
    expect(withRunningApps(COMPILED, live([]))).toEqual({ text: COMPILED, kept: [], dropped: [] });
    expect(withRunningApps(COMPILED, null)).toEqual({ text: COMPILED, kept: [], dropped: [] });
  });

  it('keeps an app as the Serve history wrote it (secrets and all); one only Ray holds, redacted, is dropped', () => {
    const redacted = (name: string) => ({
      name,
      import_path: 'a:b',
      runtime_env: { env_vars: { TOKEN: '<redacted>' } },
    });
    const history = `applications:
- name: llm
  import_path: a:b
  runtime_env: {env_vars: {TOKEN: s3cret}}
`;
    const r = withRunningApps(
      COMPILED,
      live([
        { name: 'llm', config: redacted('llm') },
        { name: 'other', config: redacted('other') },
      ]),
      history,
    );
    expect(r.kept).toEqual(['llm']);
    expect(r.dropped).toEqual(['other']);
    expect(r.text).toContain('TOKEN: s3cret');
    expect(r.text).not.toContain('<redacted>');
  });
});
