/**
 * Shared setup of the Serve page's whole-app tests: a real core over the in-memory transport
 * whose Serve methods reach a stand-in Ray dashboard (core/serve/fake-serve-dashboard.ts: real
 * HTTP, Ray 2.60's captured answers), a cluster "lab" with a head node, the real App on the
 * Serve page, and the YAML editor driven as CodeMirror's own input would change it.
 */
import { createElement } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { EditorView } from '@codemirror/view';
import { afterEach, beforeEach } from 'vitest';
import { createClient, RaydeckError } from '../../shared';
import type { ServeConnector } from '../../core/serve/serve-apply';
import { createCore, type Core } from '../../core/api/create-core';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { makeTempHome } from '../../core/testing/temp-home';
import {
  FakeServeDashboard,
  type FakeServeDashboardOptions,
} from '../../core/serve/fake-serve-dashboard';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';
import { useServeUi } from '../../renderer/features/serve/serve-draft-store';

/**
 * jsdom has no layout: CodeMirror measures text through Range.getClientRects and
 * getBoundingClientRect in an animation frame, which jsdom lacks, so a measure that lands after
 * a test threw an uncaught TypeError and failed the run at random (seen in CI). No layout means
 * empty rects, which is what these give.
 */
function giveJsdomEmptyLayout(): void {
  const proto = globalThis.Range?.prototype as (Range & { getClientRects?: unknown }) | undefined;
  if (!proto) return;
  const empty = () => ({
    x: 0,
    y: 0,
    width: 0,
    height: 0,
    top: 0,
    left: 0,
    right: 0,
    bottom: 0,
    toJSON: () => ({}),
  });
  if (typeof proto.getClientRects !== 'function')
    proto.getClientRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  if (typeof proto.getBoundingClientRect !== 'function')
    proto.getBoundingClientRect = () => empty() as DOMRect;
}
giveJsdomEmptyLayout();

export interface ServeHarness {
  readonly core: Core;
  readonly fake: FakeServeDashboard;
  readonly clusterId: string;
  /** Starts the fake dashboard and the core; call first in a test (default: Ray runs the captured LLM app). */
  start(opts?: FakeServeDashboardOptions): Promise<void>;
  /** While set, the core cannot reach the head (as when SSH or Ray's dashboard does not answer). */
  unreachable: string | null;
  renderApp(): ReturnType<typeof render>;
  /** The YAML editor's CodeMirror view (waits until it shows). */
  editor(): Promise<EditorView>;
  /** Replaces the editor's whole text, as a paste would. */
  setYaml(text: string): Promise<void>;
  yamlText(): Promise<string>;
}

export function useServeHarness(): ServeHarness {
  let home: { home: string; cleanup(): void } | null = null;
  let core: Core | null = null;
  let fake: FakeServeDashboard | null = null;
  let clusterId = '';
  let unreachable: string | null = null;
  beforeEach(() => {
    unreachable = null;
    localStorage.clear();
    location.hash = '#/serve';
    useShell.setState({ page: 'serve', helpOpen: false, theme: 'dark', clusterId: null });
    useServeUi.setState({ drafts: {}, editor: 'yaml', followed: {} });
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
  const editor = async () => {
    const el = await waitFor(() => {
      const found = document.querySelector('.cm-editor');
      if (!found) throw new Error('no YAML editor yet');
      return found as HTMLElement;
    });
    return EditorView.findFromDOM(el)!;
  };
  return {
    get core() {
      return core!;
    },
    get fake() {
      return fake!;
    },
    get clusterId() {
      return clusterId;
    },
    get unreachable() {
      return unreachable;
    },
    set unreachable(why: string | null) {
      unreachable = why;
    },
    async start(opts = {}) {
      home = makeTempHome();
      fake = await new FakeServeDashboard(opts).listen();
      const reach = fake.connector();
      const serveConnector: ServeConnector = async (id) => {
        if (unreachable) throw new RaydeckError({ code: 'conflict', message: unreachable });
        return reach(id);
      };
      core = createCore({
        home: home.home,
        mode: 'memory',
        serveConnector,
        serveTiming: { pollMs: 20, settlePolls: 2, followTimeoutMs: 10_000 },
      });
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
    editor,
    async setYaml(text) {
      const view = await editor();
      await act(async () => {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      });
    },
    async yamlText() {
      return (await editor()).state.doc.toString();
    },
  };
}

export { screen };
