/**
 * Validates a parsed Serve config (the body of Ray 2.60's `PUT /api/serve/applications/`)
 * more strictly than Ray: value rules (zod schemas), keys Ray would drop or refuse
 * (key-catalog.ts), checks across fields that Ray makes now or only on the cluster
 * (checks-*.ts), Ray Serve LLM args, and warnings. Pure: never imports or runs user code, and
 * knows nothing of files (yaml-source.ts adds lines).
 */
import type { z } from 'zod';
import { hasErrors, type ConfigPath, type ServeDiagnostic } from './diagnostics';
import { checkApplications } from './checks-app';
import { checkLlmArgs } from './checks-llm';
import { checkResources, type ServeClusterFacts } from './checks-resources';
import { BLOCKS, findKeyProblems, isPlainObject, type BlockKind } from './key-catalog';
import { ServeDeploySchema, type ServeDeployConfig } from './schema-application';
import { DeploymentSchema } from './schema-deployment';
import { LLM_APP_BUILDERS, LLMConfigSchema } from './schema-llm';

export interface ValidateOptions {
  cluster?: ServeClusterFacts;
}

export interface ServeValidation {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  /** The config as typed data, when its shape is right (even if cross-field checks failed). */
  config: ServeDeployConfig | null;
  diagnostics: ServeDiagnostic[];
}

const LlmDeploymentSchema = DeploymentSchema.extend({
  name: DeploymentSchema.shape.name.optional(),
});

function issueCode(issue: z.core.$ZodIssue): ServeDiagnostic['code'] {
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'required' : 'type';
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      return 'range';
    case 'invalid_value':
      return 'enum';
    case 'invalid_union':
      return /must be one of/.test(issue.message) ? 'enum' : 'type';
    default:
      return /one of/.test(issue.message) ? 'enum' : 'range';
  }
}

/** zod's words as YAML users say them. */
const plainWords = (m: string) =>
  m
    .replace(/^Too (big|small): expected number to be /, 'must be ')
    .replace(/^Invalid input: /, '')
    .replace(/^Invalid option: /, '')
    .replace(/\b(record|object)\b/g, 'a mapping')
    .replace(/\barray\b/g, 'a list')
    .replace(/expected (number|string|boolean)\b/g, 'expected a $1')
    .replace(/received (number|string|boolean)\b/g, 'got a $1')
    .replace(/received null/g, 'got null')
    .replace(/received a /g, 'got a ');

/** zod's issues as diagnostics under `base`. */
export function schemaDiagnostics(
  schema: z.ZodType,
  value: unknown,
  base: ConfigPath,
): ServeDiagnostic[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const code = issueCode(issue);
    const path = [...base, ...(issue.path as (string | number)[])];
    const key = path.at(-1);
    return {
      severity: 'error' as const,
      code,
      path,
      message: code === 'required' ? `"${String(key)}" is required` : plainWords(issue.message),
      fix:
        code === 'required'
          ? `add ${String(key)}`
          : code === 'enum'
            ? 'use one of the allowed values'
            : code === 'type'
              ? 'write a value of that type'
              : 'use a value in that range',
    };
  });
}

/** Which sub-blocks depend on a sibling: an app's `args` are LLMServingArgs for the LLM builder. */
function extraBlocks(
  kind: BlockKind,
  value: Record<string, unknown>,
): Record<string, { kind: BlockKind }> {
  return kind === 'application' && isLlmApp(value) ? { args: { kind: 'llmArgs' } } : {};
}

const isLlmApp = (app: Record<string, unknown>) =>
  typeof app.import_path === 'string' &&
  (LLM_APP_BUILDERS as readonly string[]).includes(app.import_path);

function llmDiagnostics(app: Record<string, unknown>, base: ConfigPath): ServeDiagnostic[] {
  const args = app.args;
  if (!isPlainObject(args)) return [];
  const out: ServeDiagnostic[] = [];
  if (!Array.isArray(args.llm_configs)) {
    out.push({
      severity: 'error',
      code: args.llm_configs === undefined ? 'required' : 'type',
      path: [...base, 'llm_configs'],
      message: '"llm_configs" must be a list of model configs',
      fix: 'add llm_configs: [{model_loading_config: {model_id: ...}, ...}]',
    });
  } else {
    args.llm_configs.forEach((c, i) => {
      const at = [...base, 'llm_configs', i];
      if (typeof c === 'string') return; // a YAML file on the cluster: not visible here
      out.push(...schemaDiagnostics(LLMConfigSchema, c, at));
      if (isPlainObject(c) && isPlainObject(c.deployment_config))
        out.push(
          ...schemaDiagnostics(LlmDeploymentSchema, c.deployment_config, [
            ...at,
            'deployment_config',
          ]),
        );
    });
  }
  out.push(
    ...schemaDiagnostics(BLOCKS.ingressCls.schema.optional(), args.ingress_cls_config, [
      ...base,
      'ingress_cls_config',
    ]),
  );
  if (args.ingress_deployment_config !== undefined)
    out.push(
      ...schemaDiagnostics(LlmDeploymentSchema, args.ingress_deployment_config, [
        ...base,
        'ingress_deployment_config',
      ]),
    );
  out.push(...checkLlmArgs(args, base));
  return out;
}

const pathKey = (p: ConfigPath) => JSON.stringify(p);

export function validateServeConfig(
  value: unknown,
  options: ValidateOptions = {},
): ServeValidation {
  if (!isPlainObject(value)) {
    const diagnostics: ServeDiagnostic[] = [
      {
        severity: 'error',
        code: 'type',
        path: [],
        message: 'a Serve config is a mapping with an "applications" list',
        fix: 'start the file with applications:',
      },
    ];
    return { ok: false, config: null, diagnostics };
  }
  const diagnostics: ServeDiagnostic[] = [];
  diagnostics.push(...findKeyProblems(value, 'deploy', [], extraBlocks));
  const parsed = ServeDeploySchema.safeParse(value);
  diagnostics.push(...schemaDiagnostics(ServeDeploySchema, value, []));
  diagnostics.push(...checkApplications(value));
  const apps = Array.isArray(value.applications) ? value.applications : [];
  apps.forEach((app, i) => {
    if (isPlainObject(app) && isLlmApp(app))
      diagnostics.push(...llmDiagnostics(app, ['applications', i, 'args']));
  });
  diagnostics.push(...checkResources(value, options.cluster));

  // One finding per path and class.
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const k = `${d.code}:${pathKey(d.path)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    ok: !hasErrors(unique),
    config: parsed.success ? parsed.data : null,
    diagnostics: unique,
  };
}
