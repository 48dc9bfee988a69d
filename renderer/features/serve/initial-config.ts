/**
 * Where an edit starts: the newest applied version's exact text (comments and all) when the
 * cluster has a history, else the config Ray holds for its declarative applications (Ray keeps
 * it without comments, so it is written out as YAML with a note), else a short template.
 */
import { stringify } from 'yaml';
import { findRedacted, type ServeInstance } from '../../../shared';

export const TEMPLATE = `# A Ray Serve config (Ray 2.60's ServeDeploySchema). Add applications below, then
# "Review changes" (Ctrl+Enter) to see what an apply would change on the cluster.
applications:
- name: app
  route_prefix: /
  import_path: module.path:app
`;

/** The live config as YAML text, or null when Ray holds no declarative application. */
export function liveConfigText(instance: ServeInstance): string | null {
  const apps = instance.applications.filter((a) => a.deployedConfig).map((a) => a.deployedConfig);
  if (apps.length === 0) return null;
  const config = { applications: apps };
  const body = stringify(config, { version: '1.1', lineWidth: 0, indentSeq: false });
  // The core redacts env_vars values before they leave it; an apply refuses the placeholder.
  const secrets = findRedacted(config).length
    ? '# env_vars values show as "<redacted>" (the core never sends them out): write the real values\n# (or load a version from the history) before applying.\n'
    : '';
  return `# Read from the cluster: the config Ray holds now (Ray keeps no comments).\n${secrets}${body}`;
}
