/**
 * Issue 19 item 6 in real Chromium with the real stylesheet: a node's preflight card whose worst
 * check is a WARN still draws its PASS badges green and its FAIL badges red — each badge in the
 * colour of its own status, never the amber of the card around it (rgb(224,164,58) was drawn for
 * PASS). The Preflight panel is the real component, rendered to HTML with its results in the
 * query cache; no core or nodes are needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodePreflight, NodeWithState, RaydeckClient } from '../../shared';
import { ClientProvider } from '../../renderer/app/client-context';
import { PreflightPanel } from '../../renderer/features/nodes/PreflightPanel';
import { launchChromium } from '../support/chromium';

const CSS = fs.readFileSync(
  path.resolve(__dirname, '..', '..', 'renderer', 'styles', 'theme.css'),
  'utf8',
);
const T = '2026-01-01T00:00:00.000Z';

const node: NodeWithState = {
  id: 'n1',
  clusterId: 'c1',
  name: 'gpu1',
  host: '198.51.100.11',
  port: 22,
  user: 'root',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role: 'head',
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: T,
  connection: { state: 'ready', since: T },
};
const results: NodePreflight[] = [
  {
    nodeId: 'n1',
    at: T,
    gpus: [],
    checks: [
      { id: 'os', label: 'Operating system', status: 'pass', detail: 'Debian 12', hint: null },
      {
        id: 'dns',
        label: 'DNS',
        status: 'warn',
        detail: 'lookups wait 3 s',
        hint: 'Fix the resolver',
      },
      { id: 'ports', label: 'Ports free', status: 'pass', detail: 'all free', hint: null },
    ],
  },
];

function panelHtml(): string {
  const qc = new QueryClient();
  qc.setQueryData(['preflight', 'c1'], results);
  const client = {
    call: () => new Promise(() => {}),
    subscribe: () => () => {},
    onStatus: () => () => {},
    close: () => {},
  } as unknown as RaydeckClient;
  const panel = createElement(
    QueryClientProvider,
    { client: qc },
    createElement(PreflightPanel, { clusterId: 'c1', nodes: [node] }),
  );
  return renderToStaticMarkup(createElement(ClientProvider, { client, children: panel }));
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('checklist badges in Chromium (issue 19 item 6)', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`draws PASS green and WARN amber inside a WARN card (${theme} theme)`, async () => {
      const page = await browser.newPage();
      await page.setContent(
        `<!doctype html><html data-theme="${theme}"><head><style>${CSS}</style></head><body>${panelHtml()}</body></html>`,
      );
      const colour = (status: string) =>
        page
          .locator(`[data-testid="preflight-check"][data-status="${status}"] .badge`)
          .first()
          .evaluate((el) => getComputedStyle(el).color);
      const cssVar = (name: string) =>
        page.evaluate(
          (n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(),
          name,
        );
      const toRgb = (hex: string) =>
        `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
      expect(await page.locator('[data-testid="preflight-node"]').getAttribute('data-worst')).toBe(
        'warn',
      );
      const pass = await colour('pass');
      const warn = await colour('warn');
      expect(pass).toBe(toRgb(await cssVar('--ok')));
      expect(warn).toBe(toRgb(await cssVar('--warn')));
      expect(pass).not.toBe(warn);
      // The card's own summary badge shows the worst status, in its colour.
      expect(
        await page
          .locator('[data-testid="preflight-node"] summary .badge')
          .first()
          .evaluate((el) => getComputedStyle(el).color),
      ).toBe(warn);
      await page.close();
    });
  }
});
