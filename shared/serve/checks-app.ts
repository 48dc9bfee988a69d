/**
 * Checks across applications and at the top of a Serve config (ServeDeploySchema's and
 * ServeApplicationSchema's validators in Ray 2.60, plus the route prefix rule Ray applies only
 * to its output): unique, non-empty names and route prefixes (defaults counted: two apps without
 * a name are both "default"), import path form, runtime_env URIs, unique deployment names,
 * external scaler vs autoscaling, HTTPS files in pairs.
 */
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { importPathProblem, routePrefixProblem, runtimeEnvProblems } from './checks-common';
import { checkDeployment } from './checks-deployment';
import { isPlainObject } from './key-catalog';
import { DEFAULT_APP_NAME } from './schema-application';
import { RAY_SERVE_LLM_BUILDERS } from './schema-llm';

/** Ray Serve LLM's own builders are known: a path into ray.serve.llm or ray.llm that Ray 2.60 lacks fails on the cluster. */
function rayLlmPathProblem(importPath: string): string | null {
  if (!/^ray\.(serve\.llm|llm)[.:]/.test(importPath)) return null;
  const m = /^ray\.serve\.llm[.:]([A-Za-z_]\w*)$/.exec(importPath);
  if (m && (RAY_SERVE_LLM_BUILDERS as readonly string[]).includes(m[1]!)) return null;
  return `"${importPath}" is not an app builder of Ray 2.60 (ray.serve.llm has ${RAY_SERVE_LLM_BUILDERS.join(', ')}); the application fails to import on the cluster`;
}

export function checkApplications(config: Record<string, unknown>): ServeDiagnostic[] {
  const out: ServeDiagnostic[] = [];
  const err = (code: ServeDiagnostic['code'], path: ConfigPath, message: string, fix: string) =>
    out.push({ severity: 'error', code, path, message, fix });

  const http = isPlainObject(config.http_options) ? config.http_options : null;
  if (http && Boolean(http.ssl_keyfile) !== Boolean(http.ssl_certfile)) {
    err(
      'required',
      ['http_options', http.ssl_keyfile ? 'ssl_certfile' : 'ssl_keyfile'],
      'HTTPS needs both ssl_keyfile and ssl_certfile; Ray refuses one without the other',
      'set both, or neither',
    );
  }

  const apps = Array.isArray(config.applications) ? config.applications : [];
  if (Array.isArray(config.applications) && apps.length === 0) {
    out.push({
      severity: 'warning',
      code: 'no-applications',
      path: ['applications'],
      message:
        "the applications list is empty; Ray's PUT is declarative, so applying this deletes every application on the cluster",
      fix: 'list the applications to keep, or shut Serve down on purpose',
    });
  }
  const names = new Map<string, number>();
  const prefixes = new Map<string, number>();
  apps.forEach((app, i) => {
    if (!isPlainObject(app)) return;
    const at = (...p: ConfigPath): ConfigPath => ['applications', i, ...p];
    const name = app.name === undefined ? DEFAULT_APP_NAME : app.name;
    if (typeof name === 'string') {
      if (name.length === 0)
        err(
          'required',
          at('name'),
          'the application name is empty; Ray refuses empty names',
          'give the application a name',
        );
      else if (names.has(name)) {
        err(
          'duplicate-app-name',
          at(app.name === undefined ? 'import_path' : 'name'),
          `application name "${name}"${app.name === undefined ? ' (the default, since no name is given)' : ''} is also used by applications[${names.get(name)}]; Ray refuses duplicates`,
          'give each application its own name',
        );
      } else names.set(name, i);
    }
    const prefix = app.route_prefix === undefined ? '/' : app.route_prefix;
    if (typeof prefix === 'string') {
      const problem = routePrefixProblem(prefix);
      if (problem)
        err(
          'route-prefix',
          at('route_prefix'),
          `${problem}; Ray 2.60 accepts it, but no request path matches it and Ray's own status output (ApplicationDetails) refuses it`,
          `write "/${prefix.replace(/^\/+|\/+$/g, '').replace(/[{}]/g, '')}"`,
        );
      else if (prefixes.has(prefix)) {
        err(
          'duplicate-route-prefix',
          at(app.route_prefix === undefined ? 'import_path' : 'route_prefix'),
          `route prefix "${prefix}"${app.route_prefix === undefined ? ' (the default, since none is given)' : ''} is also used by applications[${prefixes.get(prefix)}]; Ray refuses duplicates`,
          'give each application its own route_prefix (or null for no HTTP route)',
        );
      } else prefixes.set(prefix, i);
    }
    if (typeof app.import_path === 'string') {
      const problem = importPathProblem(app.import_path) ?? rayLlmPathProblem(app.import_path);
      if (problem)
        err(
          'import-path',
          at('import_path'),
          `import_path ${problem}`,
          'write "package.module:attribute" (or "package.module.attribute"), e.g. "ray.serve.llm:build_openai_app"',
        );
    }
    out.push(...runtimeEnvProblems(app.runtime_env, at('runtime_env')));

    const deployments = Array.isArray(app.deployments) ? app.deployments : [];
    const depNames = new Map<string, number>();
    deployments.forEach((dep, j) => {
      if (!isPlainObject(dep)) return;
      if (typeof dep.name === 'string') {
        if (depNames.has(dep.name))
          err(
            'duplicate-deployment-name',
            at('deployments', j, 'name'),
            `deployment "${dep.name}" is listed twice in this application (also deployments[${depNames.get(dep.name)}]); only one of the two would apply`,
            'merge the two entries',
          );
        else depNames.set(dep.name, j);
      }
      out.push(...checkDeployment(dep, at('deployments', j)));
      if (
        app.external_scaler_enabled === true &&
        (dep.num_replicas === 'auto' ||
          (dep.autoscaling_config !== undefined && dep.autoscaling_config !== null))
      ) {
        err(
          'external-scaler',
          at('deployments', j, dep.num_replicas === 'auto' ? 'num_replicas' : 'autoscaling_config'),
          `external_scaler_enabled is true but deployment "${String(dep.name)}" autoscales; Ray refuses both together`,
          'remove autoscaling from the deployment, or set external_scaler_enabled: false',
        );
      }
    });
  });
  return out;
}
