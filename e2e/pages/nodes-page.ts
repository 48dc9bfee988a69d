/** Page object for the Nodes page: rows, connection badges, the import and trust dialogs, preflight. */
import type { Locator, Page } from 'playwright-core';

export class NodesPage {
  constructor(readonly page: Page) {}

  row(name: string): Locator {
    return this.page.locator(`[data-testid="node-row"][data-node="${name}"]`);
  }

  badge(name: string): Locator {
    return this.row(name).getByTestId('conn-badge');
  }

  async waitForState(name: string, state: string, timeout = 30_000) {
    await this.page
      .locator(
        `[data-testid="node-row"][data-node="${name}"] [data-testid="conn-badge"][data-state="${state}"]`,
      )
      .waitFor({ timeout });
  }

  async importTestbedFile(file: string) {
    await this.page
      .getByRole('button', { name: /^Import/ })
      .first()
      .click();
    const dialog = this.page.getByRole('dialog', { name: 'Import nodes' });
    await dialog.getByRole('tab', { name: 'Testbed JSON' }).click();
    await dialog.getByRole('textbox', { name: 'File' }).fill(file);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByTestId('import-candidate').first().waitFor();
    return dialog;
  }

  trustDialog(): Locator {
    return this.page.getByRole('dialog', { name: /host key/i });
  }

  preflightCards(): Locator {
    return this.page.getByTestId('preflight-node');
  }
}
