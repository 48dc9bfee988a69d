/**
 * Page object for the Terminal page: open shells, type into the active one, read what it shows,
 * switch and close tabs — named as a user would do them.
 */
import type { Locator, Page } from 'playwright-core';

export class TerminalPage {
  constructor(readonly page: Page) {}

  get tabs(): Locator {
    return this.page.getByTestId('terminal-tab');
  }

  get activePane(): Locator {
    return this.page.locator('[data-testid="terminal-pane"]:not([hidden])');
  }

  get empty(): Locator {
    return this.page.getByTestId('terminal-empty');
  }

  async openLocalShell(): Promise<void> {
    const before = await this.tabs.count();
    await this.page
      .locator('.terminal-actions')
      .getByRole('button', { name: 'New local shell' })
      .click();
    await this.tabs.nth(before).waitFor();
    await this.activePane.locator('.xterm-rows').waitFor();
    // A user types once the prompt is there; typeahead before the shell is up may be echoed twice.
    await this.waitForText(/[$#>%]\s*$/);
  }

  tab(name: string): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  /** Types into the active terminal as a user would (xterm's hidden textarea has the focus). */
  async type(text: string): Promise<void> {
    await this.activePane.locator('.xterm-helper-textarea').focus();
    await this.page.keyboard.type(text);
  }

  async run(command: string): Promise<void> {
    await this.type(command);
    await this.page.keyboard.press('Enter');
  }

  /** The text on the active terminal's screen (its visible rows). */
  async screen(): Promise<string> {
    return (await this.activePane.locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
  }

  /** Waits until the active terminal shows `text` (or matches it). */
  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      last = await this.screen();
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
      await this.page.waitForTimeout(50);
    }
    throw new Error(
      `The terminal did not show ${String(text)} in ${timeoutMs} ms; it shows:\n${last}`,
    );
  }

  async closeTab(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Close ${name}`, exact: true }).click();
  }
}
