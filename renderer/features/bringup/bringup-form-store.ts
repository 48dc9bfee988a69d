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
  /** With `withVllm`: the nodes that get vLLM; null = every node of the run. */
  vllmNodeIds: string[] | null;
  /** CPU torch from PyTorch's CPU index; null = the source's default (on for PyPI, off for an index). */
  pytorchCpuIndex: boolean | null;
}

export const DEFAULT_DRAFT: OptionsDraft = {
  sourceKind: 'pypi',
  indexUrl: '',
  wheelhouseDir: '',
  withVllm: true,
  vllmNodeIds: null,
  pytorchCpuIndex: null,
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

/** Toggles one node's vLLM in a draft whose null list means every node of `all`. */
export function toggleVllmNode(d: OptionsDraft, all: readonly string[], id: string): string[] {
  const current = d.vllmNodeIds ?? [...all];
  return current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
}

/** Whether the draft's source takes CPU torch from PyTorch's CPU index (its default when unset). */
export function usesPytorchCpuIndex(d: OptionsDraft): boolean {
  return d.sourceKind !== 'wheelhouse' && (d.pytorchCpuIndex ?? d.sourceKind === 'pypi');
}

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
  // Sent only when it differs from the source's default (on for PyPI, off for an index).
  if (source.kind !== 'wheelhouse' && d.pytorchCpuIndex !== null)
    if (d.pytorchCpuIndex !== (source.kind === 'pypi')) source.pytorchCpuIndex = d.pytorchCpuIndex;
  return {
    source,
    withVllm: d.withVllm,
    ...(d.withVllm && d.vllmNodeIds ? { vllmNodeIds: d.vllmNodeIds } : {}),
  };
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
    vllmNodeIds: o.vllmNodeIds ?? null,
    pytorchCpuIndex: s.kind === 'wheelhouse' ? null : (s.pytorchCpuIndex ?? null),
  };
}
