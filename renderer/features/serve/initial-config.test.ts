/** The live config as a first draft: Ray's deployed configs as YAML, a note where secrets were redacted. */
import { describe, expect, it } from 'vitest';
import { parseYaml, type ServeInstance } from '../../../shared';
import { liveConfigText } from './initial-config';

const instance = (configs: (Record<string, unknown> | null)[]): ServeInstance => ({
  serveRunning: true,
  proxyLocation: null,
  httpOptions: null,
  grpcOptions: null,
  proxies: [],
  targetCapacity: null,
  applications: configs.map((c, i) => ({
    name: `a${i}`,
    routePrefix: null,
    status: 'RUNNING',
    message: '',
    lastDeployedAt: null,
    source: c ? 'declarative' : 'imperative',
    deployedConfig: c,
    ingressDeployment: null,
    deployments: [],
  })),
});

describe('liveConfigText', () => {
  it('writes the declarative apps Ray holds; none: null', () => {
    const text = liveConfigText(instance([{ name: 'echo', import_path: 'm:app' }, null]))!;
    expect(parseYaml(text).value).toEqual({
      applications: [{ name: 'echo', import_path: 'm:app' }],
    });
    expect(text).not.toContain('<redacted>" (the core');
    expect(liveConfigText(instance([null]))).toBeNull();
  });
  it('says so when env_vars values were redacted', () => {
    const text = liveConfigText(
      instance([
        {
          name: 'llm',
          import_path: 'm:app',
          runtime_env: { env_vars: { HF_TOKEN: '<redacted>' } },
        },
      ]),
    )!;
    expect(text).toContain('# env_vars values show as "<redacted>"');
  });
});
