/**
 * The options form's draft per cluster (zustand), so leaving the page and coming back keeps
 * what the user typed; until the user types, it starts from the options of the cluster's newest
 * run (so a reload or a restart shows what was used). Only the form lives here; runs are server
 * state in react-query.
 */
import { create } from 'zustand';
import type { BringUpOptions, PackageSource } from '../../../shared';

export type SourceKind = PackageSource['kind'];

export interface OptionsDraft {
  sourceKind: SourceKind;
  indexUrl: string;
  wheelhouseDir: string;
  withVllm: boolean;
}

export const DEFAULT_DRAFT: OptionsDraft = {
  sourceKind: 'pypi',
  indexUrl: '',
  wheelhouseDir: '',
  withVllm: true,
};

interface BringupFormState {
  drafts: Record<string, OptionsDraft>;
  update(clusterId: string, patch: Partial<OptionsDraft>): void;
  /** Starts the cluster's draft from these options unless it has one already. */
  seed(clusterId: string, options: BringUpOptions): void;
}

export const useBringupForm = create<BringupFormState>((set) => ({
  drafts: {},
  update(clusterId, patch) {
    set((s) => ({
      drafts: { ...s.drafts, [clusterId]: { ...(s.drafts[clusterId] ?? DEFAULT_DRAFT), ...patch } },
    }));
  },
  seed(clusterId, options) {
    set((s) =>
      s.drafts[clusterId] ? s : { drafts: { ...s.drafts, [clusterId]: optionsToDraft(options) } },
    );
  },
}));

export function useDraft(clusterId: string): OptionsDraft {
  return useBringupForm((s) => s.drafts[clusterId] ?? DEFAULT_DRAFT);
}

/** What the core receives: only the chosen source's field, as typed (the core checks it). */
export function draftToOptions(d: OptionsDraft): BringUpOptions {
  const source: PackageSource =
    d.sourceKind === 'index'
      ? { kind: 'index', url: d.indexUrl.trim() }
      : d.sourceKind === 'wheelhouse'
        ? { kind: 'wheelhouse', dir: d.wheelhouseDir.trim() }
        : { kind: 'pypi' };
  return { source, withVllm: d.withVllm };
}

/** The form for options a run was started with (the other sources' fields empty). */
export function optionsToDraft(o: BringUpOptions): OptionsDraft {
  const s = o.source;
  return {
    ...DEFAULT_DRAFT,
    sourceKind: s.kind,
    indexUrl: s.kind === 'index' ? s.url : '',
    wheelhouseDir: s.kind === 'wheelhouse' ? s.dir : '',
    withVllm: o.withVllm,
  };
}
