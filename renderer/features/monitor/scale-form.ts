/**
 * The scaling form's model, apart from the page: what the user typed (a fixed replica count,
 * or autoscaling min / max / target ongoing requests) checked into a ScaleChange or a specific
 * message, the form's start from what the deployment runs, and the diff lines to show (each
 * changed field as "path: before → after").
 */
import type { DeploymentView, ScaleChange, ServeConfigDiff } from '../../../shared';

export type ScaleMode = 'replicas' | 'autoscaling';

export interface ScaleForm {
  mode: ScaleMode;
  replicas: string;
  min: string;
  max: string;
  target: string;
}

export function initialScaleForm(d: DeploymentView): ScaleForm {
  const a = d.autoscaling;
  return {
    mode: a ? 'autoscaling' : 'replicas',
    replicas: String(d.desired),
    min: a?.min === null || a?.min === undefined ? '1' : String(a.min),
    max: a?.max === null || a?.max === undefined ? String(Math.max(1, d.desired)) : String(a.max),
    target:
      a?.targetOngoingRequests === null || a?.targetOngoingRequests === undefined
        ? ''
        : String(a.targetOngoingRequests),
  };
}

function int(text: string, what: string, min: number): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${what} must be a whole number`;
  const n = Number(t);
  if (n < min) return `${what} must be at least ${min}`;
  if (n > 1000) return `${what} must be at most 1000`;
  return n;
}

/** The change the form asks for, or the first thing wrong with it. */
export function scaleChange(f: ScaleForm): { change: ScaleChange } | { error: string } {
  if (f.mode === 'replicas') {
    const n = int(f.replicas, 'Replicas', 0);
    return typeof n === 'string' ? { error: n } : { change: { replicas: n } };
  }
  const min = int(f.min, 'Min replicas', 0);
  if (typeof min === 'string') return { error: min };
  const max = int(f.max, 'Max replicas', 1);
  if (typeof max === 'string') return { error: max };
  if (min > max) return { error: `Min replicas (${min}) must be at most max replicas (${max})` };
  if (f.target.trim() === '') return { change: { min, max } };
  const target = Number(f.target.trim());
  if (!Number.isFinite(target) || target <= 0)
    return { error: 'Target ongoing requests must be a number above 0' };
  return { change: { min, max, target } };
}

/** Same change (a preview is only good for the change it was made for). */
export function sameChange(a: ScaleChange | null, b: ScaleChange | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/** "deployments.LLM.num_replicas: 1 → 3" lines of a scale diff. */
export function diffLines(diff: ServeConfigDiff): string[] {
  const out: string[] = [];
  for (const app of diff.applications)
    for (const dep of app.deployments)
      for (const f of dep.fields)
        out.push(
          `${app.name}/${dep.name} ${f.path.join('.')}: ${show(f.before)} → ${show(f.after)}`,
        );
  return out;
}
