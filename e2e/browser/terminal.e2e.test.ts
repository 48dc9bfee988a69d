/**
 * Terminals in real Chromium against the real core in browser mode (`raydeck ui`): a local shell
 * runs a command, follows the window's size, tabs keep their own shells, copy/paste go through the
 * clipboard, an ended shell says so, and a `yes` flood does not freeze the UI — typing latency
 * elsewhere in the app is measured during 10 s of flood and reported. Any console error fails.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppPage } from '../pages/app-page';
import { TerminalPage } from '../pages/terminal-page';
import { useAppSession } from '../support/app-session';

const session = useAppSession({ permissions: ['clipboard-read', 'clipboard-write'] });
let page: Page;
let app: AppPage;
let term: TerminalPage;

beforeEach(async () => {
  ({ page, app } = session);
  term = new TerminalPage(page);
  await page.goto(session.raydeck.url);
  await app.waitUntilConnected();
  await app.nav('terminal').click();
});
afterEach(async () => {
  // Close this test's shells so the next test starts with an empty page.
  while ((await term.tabs.count()) > 0) {
    await page.locator('.terminal-tab-close').first().click();
  }
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('terminals in Chromium', () => {
  it('starts empty with a way to begin, runs a command in a local shell, and follows the window size', async () => {
    await term.empty.waitFor();
    await term.empty.getByRole('button', { name: 'New local shell' }).click();
    await term.activePane.locator('.xterm-rows').waitFor();
    await term.waitForText(/[$#>%]\s*$/);
    await term.run('echo hello-$((6*7))');
    await term.waitForText('hello-42');

    // Each probe prints its own marker, so an older answer still on screen is never read.
    let probes = 0;
    const shellSize = async (): Promise<[number, number]> => {
      probes += 1;
      await term.run(`echo size${probes}-$(stty size | tr ' ' x)`);
      const m = new RegExp(`size${probes}-(\\d+)x(\\d+)`).exec(
        await term.waitForText(new RegExp(`size${probes}-\\d+x\\d+`)),
      )!;
      return [Number(m[1]), Number(m[2])];
    };
    const [rows, cols] = await shellSize();
    await page.setViewportSize({ width: 900, height: 560 });
    // The resize reaches the shell after the layout settles (debounced); poll, bounded.
    await expect
      .poll(async () => (await shellSize())[0], { timeout: 5_000, interval: 250 })
      .toBeLessThan(rows);
    expect((await shellSize())[1]).toBeLessThan(cols);
  });

  it('keeps a shell per tab, survives leaving the page, and shows when a shell ended', async () => {
    await term.openLocalShell();
    await term.run('echo first-$((1+0))');
    await term.waitForText('first-1');
    await term.openLocalShell();
    await expect.poll(() => term.tabs.count()).toBe(2);
    await term.run('echo second-$((1+1))');
    await term.waitForText('second-2');

    await term.tab('Local shell').click();
    const first = await term.waitForText('first-1');
    expect(first).not.toContain('second-2');

    await app.nav('clusters').click();
    await app.nav('terminal').click();
    await term.waitForText('first-1');

    await term.tab('Local shell 2').click();
    await term.run('exit 3');
    await expect
      .poll(() => term.activePane.getByTestId('terminal-exited').textContent())
      .toContain('The shell ended with exit code 3.');
    await term.closeTab('Local shell 2');
    await expect.poll(() => term.tabs.count()).toBe(1);
  });

  it('pastes with Ctrl+Shift+V and copies a selection with Ctrl+Shift+C', async () => {
    await term.openLocalShell();
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((3*3))'));
    await term.activePane.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('Control+Shift+V');
    // Reading the clipboard is asynchronous: Enter goes once the pasted line is on screen, as a user would.
    await term.waitForText('echo pasted-$((3*3))');
    await page.keyboard.press('Enter');
    await term.waitForText('pasted-9');

    const row = term.activePane.locator('.xterm-rows > div', { hasText: /^pasted-9\s*$/ });
    // xterm's screen layer takes the pointer; a triple click there selects the line under it.
    const box = (await row.boundingBox())!;
    await page.mouse.click(box.x + 4, box.y + box.height / 2, { clickCount: 3 });
    await page.keyboard.press('Control+Shift+C');
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toContain('pasted-9');
  });

  it('stays responsive during a `yes` flood, and Ctrl+C brings the prompt back', async () => {
    await term.openLocalShell();
    await term.run('yes');
    await term.waitForText(/y\s+y\s+y/);

    // A plain input beside the terminal: the time from a real key event to the frame that shows
    // it is what a user feels; a busy main thread (xterm drowning in output) would show here.
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'latency-probe';
      input.setAttribute('aria-label', 'Latency probe');
      input.style.cssText = 'position:fixed;right:8px;bottom:8px;width:160px;z-index:9';
      const w = window as unknown as { probeLatencies: number[]; frameGaps: number[] };
      w.probeLatencies = [];
      w.frameGaps = [];
      input.addEventListener('keydown', (e) => {
        const sent = e.timeStamp;
        input.addEventListener(
          'input',
          () => requestAnimationFrame(() => w.probeLatencies.push(performance.now() - sent)),
          { once: true },
        );
      });
      document.body.appendChild(input);
      let last = performance.now();
      const frame = (t: number) => {
        w.frameGaps.push(t - last);
        last = t;
        if (document.getElementById('latency-probe')) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const probe = page.locator('#latency-probe');
    await probe.focus();
    const started = Date.now();
    let typed = 0;
    while (Date.now() - started < 10_000) {
      await page.keyboard.press('a');
      typed += 1;
      await page.waitForTimeout(200);
    }
    const { latencies, gaps, value } = await page.evaluate(() => {
      const w = window as unknown as { probeLatencies: number[]; frameGaps: number[] };
      const probeInput = document.getElementById('latency-probe') as HTMLInputElement;
      const result = {
        latencies: [...w.probeLatencies],
        gaps: [...w.frameGaps],
        value: probeInput.value,
      };
      probeInput.remove();
      return result;
    });
    expect(value).toBe('a'.repeat(typed));
    const sorted = [...latencies].sort((a, b) => a - b);
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    const figures = {
      keys: sorted.length,
      p50: Math.round(percentile(sorted, 50)),
      p95: Math.round(percentile(sorted, 95)),
      max: Math.round(sorted.at(-1)!),
      frames: sortedGaps.length,
      frameGapP95: Math.round(percentile(sortedGaps, 95)),
      frameGapMax: Math.round(sortedGaps.at(-1)!),
    };
    console.log(`typing latency during a 10 s \`yes\` flood (ms): ${JSON.stringify(figures)}`);
    expect(sorted.length).toBeGreaterThanOrEqual(typed - 1);
    expect(figures.p95).toBeLessThan(250);

    await term.activePane.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('Control+C');
    await term.run('clear');
    await term.run('echo done-$((2+3))');
    await term.waitForText('done-5', 15_000);
  });
});
