/**
 * What Deploy sends to the Serve apply: the compiled pipeline application(s) together with every
 * other application Ray runs now from a declarative config. Ray's PUT is declarative, so a config
 * holding only the pipeline would delete the cluster's other applications; the review still
 * shows any deletion loudly. The compiled text's comments are kept (YAML Document API); the
 * kept applications are Ray's own copies of their configs (env_vars values come back redacted
 * from the core, and the apply refuses them with a message saying so).
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { ServeInstance } from '../../../shared';

export interface DeployConfig {
  text: string;
  /** Names of the running applications carried over unchanged. */
  kept: string[];
}

export function withRunningApps(
  compiled: string,
  live: ServeInstance | null | undefined,
): DeployConfig {
  const doc = parseDocument(compiled);
  const apps = doc.get('applications');
  if (!isSeq(apps)) return { text: compiled, kept: [] };
  const mine = new Set(
    apps.items.map((a) => (isMap(a) ? String(a.get('name') ?? '') : '')).filter(Boolean),
  );
  const others = (live?.applications ?? []).filter((a) => a.deployedConfig && !mine.has(a.name));
  if (others.length === 0) return { text: compiled, kept: [] };
  others.forEach((a, i) => apps.items.splice(i, 0, doc.createNode(a.deployedConfig)));
  const first = apps.items[0];
  if (first && isMap(first))
    first.commentBefore = ` Running on the cluster now, kept as Ray holds them: ${others.map((a) => a.name).join(', ')}`;
  return { text: doc.toString({ lineWidth: 0 }), kept: others.map((a) => a.name) };
}
