/** The form's model: fields read from the YAML, edits that touch only their own line, mode switches. */
import { describe, expect, it } from 'vitest';
import {
  addApplication,
  addDeployment,
  editField,
  deploymentPath,
  parseInput,
  readForm,
  setReplicaMode,
} from './config-form-model';

const TEXT = `# keep me
applications:
- name: chat   # the app
  route_prefix: /chat
  import_path: pkg.chat:app
  deployments:
  - name: LLM
    autoscaling_config:
      min_replicas: 1
      max_replicas: 4   # peak
    ray_actor_options: {num_gpus: 1}
`;

describe('readForm', () => {
  it('reads applications and deployments, with autoscaling and flow-style actor options', () => {
    const m = readForm(TEXT);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.applications[0]).toMatchObject({
      name: 'chat',
      routePrefix: '/chat',
      importPath: 'pkg.chat:app',
    });
    expect(m.applications[0]!.deployments[0]).toMatchObject({
      name: 'LLM',
      mode: 'auto',
      minReplicas: 1,
      maxReplicas: 4,
      numGpus: 1,
      numReplicas: undefined,
    });
  });
  it('refuses text that does not parse or is not a Serve config shape', () => {
    expect(readForm('applications: [\n')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/syntax error/),
    });
    expect(readForm('- a\n- b\n')).toMatchObject({ ok: false });
    expect(readForm('applications: 3\n')).toMatchObject({ ok: false });
  });
});

describe('edits', () => {
  it('one field changes one line; clearing a field removes its line', () => {
    const next = editField(TEXT, deploymentPath(0, 0, 'autoscaling_config', 'max_replicas'), 8);
    expect(next).toBe(TEXT.replace('max_replicas: 4', 'max_replicas: 8'));
    expect(editField(TEXT, ['applications', 0, 'route_prefix'], undefined)).toBe(
      TEXT.replace('  route_prefix: /chat\n', ''),
    );
  });
  it('autoscaling -> fixed takes max_replicas as the count; fixed -> autoscaling starts at 1..count', () => {
    const fixed = setReplicaMode(TEXT, 0, 0, 'fixed');
    expect(fixed).not.toContain('autoscaling_config');
    expect(fixed).toContain('    num_replicas: 4\n');
    expect(fixed).toContain('# keep me');
    const auto = setReplicaMode(fixed, 0, 0, 'auto');
    expect(readForm(auto)).toMatchObject({
      ok: true,
      applications: [{ deployments: [{ mode: 'auto', minReplicas: 1, maxReplicas: 4 }] }],
    });
    expect(setReplicaMode(TEXT, 0, 0, 'auto')).toBe(TEXT);
  });
  it('parses what is typed: empty removes, numbers are numbers, "auto" only for replicas', () => {
    expect(parseInput('', 'number')).toEqual({ value: undefined });
    expect(parseInput('2.5', 'number')).toEqual({ value: 2.5 });
    expect(parseInput('1.', 'number')).toEqual({ value: 1 });
    expect(parseInput('abc', 'number')).toEqual({ invalid: true });
    expect(parseInput('auto', 'replicas')).toEqual({ value: 'auto' });
    expect(parseInput('auto', 'number')).toEqual({ invalid: true });
    expect(parseInput(' /v1', 'text')).toEqual({ value: ' /v1' });
  });
});

describe('adding', () => {
  it('appends an application and deployment settings, everything written before kept byte for byte', () => {
    const withApp = addApplication(TEXT);
    expect(withApp.startsWith(TEXT)).toBe(true);
    expect(readForm(withApp)).toMatchObject({
      ok: true,
      applications: [{ name: 'chat' }, { name: 'app2', routePrefix: '/app2' }],
    });
    const withDep = addDeployment(withApp, 1, 'Echo');
    expect(readForm(withDep)).toMatchObject({
      ok: true,
      applications: [{}, { deployments: [{ name: 'Echo', mode: 'fixed', numReplicas: 1 }] }],
    });
    expect(withDep.startsWith(TEXT)).toBe(true);
    const second = addDeployment(TEXT, 0, 'Router');
    expect(readForm(second)).toMatchObject({
      ok: true,
      applications: [{ deployments: [{ name: 'LLM' }, { name: 'Router', numReplicas: 1 }] }],
    });
    expect(second.startsWith(TEXT)).toBe(true);
  });
  it('a config with no applications gets its first one', () => {
    expect(readForm(addApplication('# empty\nproxy_location: EveryNode\n'))).toMatchObject({
      ok: true,
      applications: [{ name: 'app1' }],
    });
  });
});
