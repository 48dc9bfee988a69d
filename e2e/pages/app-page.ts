/**
 * Page object for the Raydeck shell, shared by the browser suite (and the Electron suite where
 * the binary exists): the actions a user takes, named as a user would name them.
 */
import type { Locator, Page } from 'playwright-core';

export class AppPage {
  constructor(readonly page: Page) {}

  nav(id: string): Locator {
    return this.page.getByTestId(`nav-${id}`);
  }

  get connection(): Locator {
    return this.page.getByTestId('connection-status');
  }

  get pageTitle(): Locator {
    return this.page.locator('h1.page-title');
  }

  async waitUntilConnected() {
    await this.connection.filter({ hasText: 'Connected' }).waitFor();
  }

  async addCluster(name: string) {
    await this.page.getByRole('button', { name: 'Add cluster' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'Add cluster' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await dialog.getByRole('button', { name: 'Add cluster' }).click();
    return dialog;
  }

  clusterCards(): Locator {
    return this.page.getByTestId('cluster-card');
  }

  async theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme');
  }
}
