/**
 * Shared setup of the Pipeline page's whole-app tests: xyflow's jsdom stubs, a real core over
 * the in-memory transport whose Serve methods reach the stand-in Ray dashboard
 * (core/serve/fake-serve-dashboard.ts) and, for Try it, optionally a stand-in for Serve's HTTP
 * proxy on the head (what the app builder answers is tested by its own pytest suite), a cluster "lab" with a head node, the real App opened on
 * the Pipeline page with a fresh editor store, and helpers that act as a user would: pick a
 * template, select a stage, type into a labelled field of the side form, press editor keys.
 */
import './xyflow-jsdom';
import { createElement } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { createClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import type { ServePoster } from '../../core/pipeline/pipeline-try';
import { makeTempHome } from '../../core/testing/temp-home';
import {
  FakeServeDashboard,
  type FakeServeDashboardOptions,
} from '../../core/serve/fake-serve-dashboard';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';
import { usePipelineEditor } from '../../renderer/features/pipeline/pipeline-store';
// The page is a lazy chunk in the app; loaded here up front so the first test does not wait on it.
import '../../renderer/features/pipeline/PipelinePage';

export interface PipelineHarness {
  readonly core: Core;
  readonly fake: FakeServeDashboard;
  readonly home: string;
  readonly clusterId: string;
  /** Starts the fake dashboard and the core with a cluster "lab" (withCluster false: none). */
  start(
    opts?: FakeServeDashboardOptions & { withCluster?: boolean; servePoster?: ServePoster },
  ): Promise<void>;
  renderApp(): ReturnType<typeof render>;
}

export function usePipelineHarness(): PipelineHarness {
  let home: { home: string; cleanup(): void } | null = null;
  let core: Core | null = null;
  let fake: FakeServeDashboard | null = null;
  let clusterId = '';
  beforeEach(() => {
    localStorage.clear();
    location.hash = '#/pipeline';
    useShell.setState({ page: 'pipeline', helpOpen: false, theme: 'dark', clusterId: null });
    usePipelineEditor.getState().load(null, null);
    usePipelineEditor.setState({ clipboard: null, pastes: 0 });
  });
  afterEach(async () => {
    cleanup();
    core?.dispose();
    await fake?.close();
    home?.cleanup();
    core = null;
    fake = null;
    home = null;
  });
  return {
    get core() {
      return core!;
    },
    get fake() {
      return fake!;
    },
    get home() {
      return home!.home;
    },
    get clusterId() {
      return clusterId;
    },
    async start(opts = {}) {
      home = makeTempHome();
      fake = await new FakeServeDashboard(opts).listen();
      core = createCore({
        home: home.home,
        mode: 'memory',
        serveConnector: fake.connector(),
        serveTiming: { pollMs: 20, settlePolls: 2, followTimeoutMs: 10_000 },
        ...(opts.servePoster ? { servePoster: opts.servePoster } : {}),
      });
      if (opts.withCluster === false) return;
      const lab = await core.inventory.create('lab');
      clusterId = lab.id;
      await core.nodes.add({
        clusterId,
        name: 'head1',
        host: '198.51.100.10',
        port: 22,
        user: 'root',
        auth: { kind: 'agent' },
        jumpNodeId: null,
        role: 'head',
      });
    },
    renderApp: () =>
      render(createElement(App, { client: createClient(createMemoryTransport(core!.service)) })),
  };
}

/** The stage box of `id` on the canvas (waits until it shows). */
export async function stageBox(id: string): Promise<HTMLElement> {
  return waitFor(() => {
    const el = document.querySelector<HTMLElement>(
      `[data-testid="pipeline-stage"][data-stage="${id}"]`,
    );
    if (!el) throw new Error(`no stage ${id} on the canvas`);
    return el;
  });
}

export function stageIds(): string[] {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="pipeline-stage"]')].map(
    (el) => el.dataset.stage!,
  );
}

/** Clicks a stage as a user selects it; waits for its form. */
export async function selectStage(id: string): Promise<HTMLElement> {
  const box = await stageBox(id);
  fireEvent.click(box);
  return waitFor(() => {
    const form = screen.getByTestId('stage-form');
    if (form.dataset.stage !== id) throw new Error(`form shows ${form.dataset.stage}`);
    return form;
  });
}

/** Types into the side form's field labelled `label` (the whole value, as a paste). */
export function setField(form: HTMLElement, label: string | RegExp, value: string): void {
  fireEvent.change(within(form).getByLabelText(label), { target: { value } });
}

/** The check messages written on a stage (waits for the debounced checks). */
export async function stageChecks(id: string): Promise<string[]> {
  await act(async () => new Promise((r) => setTimeout(r, 300)));
  const box = await stageBox(id);
  return [...box.querySelectorAll('[data-testid="stage-check"]')].map((el) => el.textContent ?? '');
}

/** An editor key press on the page (not in a field). */
export function press(key: string, mods: { ctrl?: boolean; shift?: boolean } = {}): void {
  fireEvent.keyDown(document.body, { key, ctrlKey: mods.ctrl, shiftKey: mods.shift });
}

export { screen };
