// @vitest-environment jsdom
/**
 * Whole-app: the Serve page's models panel against a real core — the empty state leads to Add
 * model; the core's refusals show by their field (a Hugging Face repo that is not org/name) and
 * nothing is added; a local folder is added and listed with its folder on the nodes; "Put on
 * nodes" offers the cluster's Ray nodes; Remove asks first, then forgets the model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useServeHarness } from './serve-harness';

const h = useServeHarness();

describe('Serve page: models', () => {
  it('adds a local model, shows its path on the nodes, offers the nodes, removes it after asking', async () => {
    await h.start();
    h.renderApp();
    const panel = within(await screen.findByTestId('models-panel'));
    await panel.findByTestId('models-empty');

    fireEvent.click(panel.getAllByRole('button', { name: 'Add model' })[0]!);
    let dialog = within(screen.getByRole('dialog', { name: 'Add model' }));
    fireEvent.change(dialog.getByLabelText('Model name'), { target: { value: 'tiny' } });
    fireEvent.click(dialog.getByLabelText(/Hugging Face repo/));
    fireEvent.change(dialog.getByLabelText('Hugging Face repo id'), {
      target: { value: 'not a repo' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Add model' }));
    expect((await dialog.findByTestId('error-source.repo')).textContent).toMatch(
      /must look like org\/name/,
    );
    expect(await h.core.service.call('models.list', { clusterId: h.clusterId })).toEqual({
      ok: true,
      value: [],
    });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-model-'));
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    fireEvent.click(dialog.getByLabelText(/Folder on this computer/));
    fireEvent.change(dialog.getByLabelText('Model folder'), { target: { value: dir } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add model' }));
    const row = within(await panel.findByTestId('model-tiny'));
    expect(row.getByText('~/.raydeck/models/tiny')).toBeTruthy();
    expect(row.getByText(`folder ${dir}`)).toBeTruthy();

    fireEvent.click(row.getByRole('button', { name: 'Put on nodes' }));
    dialog = within(await screen.findByRole('dialog', { name: 'Push tiny to nodes' }));
    const boxes = await dialog.findAllByRole('checkbox');
    expect(boxes.length).toBeGreaterThan(0);
    expect(dialog.getByRole('button', { name: `Push to ${boxes.length} node(s)` })).toBeTruthy();
    fireEvent.click(dialog.getByRole('button', { name: 'Cancel' }));

    fireEvent.click(row.getByRole('button', { name: 'Remove' }));
    fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Remove tiny?' })).getByRole('button', {
        name: 'Remove',
      }),
    );
    await waitFor(() => expect(panel.queryByTestId('model-tiny')).toBeNull());
    expect(await h.core.service.call('models.list', { clusterId: h.clusterId })).toEqual({
      ok: true,
      value: [],
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
