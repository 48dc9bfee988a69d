/**
 * What Deploy sends to the Serve apply: the compiled pipeline application(s) together with every
 * other application Ray runs now from a declarative config. Ray's PUT is declarative, so a config
 * holding only the pipeline would delete the cluster's other applications. Each one is kept as
 * written in the newest applied config of the Serve history (exact, secrets included), else as
 * Ray holds it — unless Ray's copy has env_vars values the core redacted, which cannot be sent
 * back: such an app is left out and the review shows its deletion loudly. The compiled text's
 * comments are kept (YAML Document API).
 */
import { isMap, isSeq, parse, parseDocument } from 'yaml';
import { findRedacted, type ServeInstance } from '../../../shared';

export interface DeployConfig {
  text: string;
  /** Running applications carried over. */
  kept: string[];
  /** Running applications that could not be carried over (their env_vars are redacted). */
  dropped: string[];
}

/** The applications of a Serve config's text by name (empty when it does not parse). */
export function appsOf(text: string | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!text) return out;
  try {
    const apps = (parse(text) as { applications?: unknown } | null)?.applications;
    if (Array.isArray(apps))
      for (const a of apps)
        if (a && typeof a === 'object' && typeof (a as { name?: unknown }).name === 'string')
          out.set((a as { name: string }).name, a);
  } catch {
    // An unreadable history text keeps nothing from it; Ray's own copy is used instead.
  }
  return out;
}

export function withRunningApps(
  compiled: string,
  live: ServeInstance | null | undefined,
  historyText: string | null = null,
): DeployConfig {
  const doc = parseDocument(compiled);
  const apps = doc.get('applications');
  if (!isSeq(apps)) return { text: compiled, kept: [], dropped: [] };
  const mine = new Set(
    apps.items.map((a) => (isMap(a) ? String(a.get('name') ?? '') : '')).filter(Boolean),
  );
  const written = appsOf(historyText);
  const kept: { name: string; config: unknown }[] = [];
  const dropped: string[] = [];
  for (const a of live?.applications ?? []) {
    if (!a.deployedConfig || mine.has(a.name)) continue;
    const config = written.get(a.name) ?? a.deployedConfig;
    if (findRedacted(config).length) dropped.push(a.name);
    else kept.push({ name: a.name, config });
  }
  if (kept.length === 0) return { text: compiled, kept: [], dropped };
  kept.forEach((k, i) => apps.items.splice(i, 0, doc.createNode(k.config)));
  const first = apps.items[0];
  if (first && isMap(first))
    first.commentBefore = ` Running on the cluster now, kept: ${kept.map((k) => k.name).join(', ')}`;
  return { text: doc.toString({ lineWidth: 0 }), kept: kept.map((k) => k.name), dropped };
}
