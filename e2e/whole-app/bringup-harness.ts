/**
 * Shared setup of the Bring-up whole-app tests: a fresh stand-in core and a clean shell before
 * each test, the real App rendered against it, and events pushed as the core would push them.
 */
import { createElement } from 'react';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import type { EventName, EventPayload } from '../../shared';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';
import { useBringupForm } from '../../renderer/features/bringup/bringup-form-store';
import { FakeBringupCore } from './bringup-fake-core';

export interface BringupHarness {
  /** This test's stand-in core (a new one before each test). */
  readonly core: FakeBringupCore;
  renderApp(): ReturnType<typeof render>;
  /** Pushes an event as the core would and lets react-query deliver it (it notifies on a timer). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): Promise<void>;
}

/** Call once at the top of a test file (it registers beforeEach/afterEach). */
export function useBringupHarness(): BringupHarness {
  let core: FakeBringupCore;
  beforeEach(() => {
    core = new FakeBringupCore();
    localStorage.clear();
    location.hash = '#/bringup';
    useShell.setState({ page: 'bringup', helpOpen: false, theme: 'dark', clusterId: null });
    useBringupForm.setState({ drafts: {} });
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
