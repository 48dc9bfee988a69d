/**
 * Shared setup of the Monitor page's whole-app tests: a fresh stand-in core and a clean shell
 * before each test, the real App on the Monitor page, events pushed as the core pushes them.
 * jsdom has no canvas: getContext answers null (as a browser without 2D canvas would), so the
 * heat map and charts draw nothing and the tests check the data the page shows around them
 * (the cell mapping itself is unit-tested in renderer/features/monitor/heatmap-cells.test.ts).
 */
import { createElement } from 'react';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import type { EventName, EventPayload } from '../../shared';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';
import { useMonitorUi } from '../../renderer/features/monitor/monitor-ui-store';
import { useMonitorAlerts } from '../../renderer/features/monitor/use-monitor';
import { FakeMonitorCore } from './monitor-fake-core';

HTMLCanvasElement.prototype.getContext = (() => null) as HTMLCanvasElement['getContext'];

export interface MonitorHarness {
  readonly core: FakeMonitorCore;
  renderApp(): ReturnType<typeof render>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): Promise<void>;
}

export function useMonitorHarness(): MonitorHarness {
  let core: FakeMonitorCore;
  beforeEach(() => {
    core = new FakeMonitorCore();
    localStorage.clear();
    location.hash = '#/monitor';
    useShell.setState({ page: 'monitor', helpOpen: false, theme: 'dark', clusterId: null });
    useMonitorUi.setState({ view: 'overview', deployment: null });
    useMonitorAlerts.setState({ counts: {} });
  });
  afterEach(() => cleanup());
  return {
    get core() {
      return core;
    },
    renderApp: () => render(createElement(App, { client: core.client() })),
    emit: async (event, payload) => {
      await act(async () => {
        core.emit(event, payload);
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    },
  };
}
