// @vitest-environment jsdom
/**
 * Whole-app: drawing on the Pipeline page against a real core — the empty state offers the
 * templates; the RAG template draws its five stages with their bindings; stages are added from
 * the palette and bound through the side form; Ctrl+Z / Ctrl+Shift+Z undo and redo; copy, paste
 * and Delete; a faulty stage shows its check message on the stage itself.
 */
import { act, fireEvent, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { moveStage } from '../../shared/pipeline';
import { usePipelineEditor } from '../../renderer/features/pipeline/pipeline-store';
import {
  press,
  screen,
  selectStage,
  setField,
  stageBox,
  stageChecks,
  stageIds,
  usePipelineHarness,
} from './pipeline-harness';

const h = usePipelineHarness();

describe('Pipeline page: drawing', () => {
  it('the empty state offers templates; the RAG template draws its stages and bindings', async () => {
    await h.start();
    h.renderApp();
    const empty = await screen.findByTestId('pipeline-empty');
    expect(empty.textContent).toContain('Start from a template');
    fireEvent.click(within(empty).getByTestId('template-rag'));
    await stageBox('rag');
    expect(stageIds().sort()).toEqual(['api', 'embed', 'llm', 'rag', 'rerank']);
    const rag = await stageBox('rag');
    const ports = [...rag.querySelectorAll<HTMLElement>('[data-testid="stage-port"]')];
    expect(ports.map((p) => [p.dataset.port, p.textContent])).toEqual([
      ['embedding', 'embedding→ embed'],
      ['reranker', 'reranker→ rerank'],
      ['llm', 'llm→ llm'],
    ]);
    expect(screen.getByTestId('pipeline-file').textContent).toContain('not saved yet');
  });

  it('adds stages from the palette, binds a port in the form, undoes and redoes with the keyboard', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Start empty' }));
    const palette = await screen.findByTestId('pipeline-palette');
    fireEvent.click(within(palette).getByRole('button', { name: 'Add RAG stage' }));
    fireEvent.click(within(palette).getByRole('button', { name: 'Add Embedding stage' }));
    await stageBox('embedding');
    expect(stageIds()).toEqual(['rag', 'embedding']);
    // The new stage is selected: its form is open.
    expect(screen.getByTestId('stage-form').dataset.stage).toBe('embedding');

    const form = await selectStage('rag');
    fireEvent.change(within(form).getByLabelText('embedding calls'), {
      target: { value: 'embedding' },
    });
    const port = () =>
      document.querySelector<HTMLElement>(
        '[data-stage="rag"] [data-testid="stage-port"][data-port="embedding"]',
      )!;
    await waitFor(() => expect(port().textContent).toBe('embedding→ embedding'));

    press('z', { ctrl: true });
    await waitFor(() => expect(port().textContent).toBe('embeddingunbound'));
    press('z', { ctrl: true });
    await waitFor(() => expect(stageIds()).toEqual(['rag']));
    press('z', { ctrl: true, shift: true });
    await waitFor(() => expect(stageIds()).toEqual(['rag', 'embedding']));
    press('y', { ctrl: true });
    await waitFor(() => expect(port().textContent).toBe('embedding→ embedding'));
  });

  it('copies and pastes a stage with a fresh id, Delete removes the selection, undo restores it', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await selectStage('llm_7b');
    press('c', { ctrl: true });
    press('v', { ctrl: true });
    await stageBox('llm_7b_2');
    await waitFor(() => expect(screen.getByTestId('stage-form').dataset.stage).toBe('llm_7b_2'));
    press('Delete');
    await waitFor(() => expect(stageIds()).not.toContain('llm_7b_2'));
    await selectStage('llm_70b');
    press('Delete');
    await waitFor(() => expect(stageIds()).not.toContain('llm_70b'));
    // The router's 70b route went with it; undo brings the stage and the route back.
    expect(document.querySelector('[data-stage="router"] [data-port="70b"]')).toBeNull();
    press('z', { ctrl: true });
    await stageBox('llm_70b');
    expect(document.querySelector('[data-stage="router"] [data-port="70b"]')?.textContent).toBe(
      '70b→ llm_70b',
    );
  });

  it('an llm on half a GPU shows the fractional-GPU message on that stage, and the list says so', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    const form = await selectStage('llm_7b');
    setField(form, 'GPUs per replica', '0.5');
    const messages = await stageChecks('llm_7b');
    expect(messages.some((m) => m.includes('runs vLLM on 0.5 of a GPU'))).toBe(true);
    expect((await stageBox('llm_7b')).dataset.state).toBe('error');
    expect((await stageChecks('llm_70b')).join()).not.toContain('of a GPU');
    const listed = screen
      .getAllByTestId('pipeline-check')
      .filter((c) => c.dataset.code === 'fractional-gpu-vllm');
    expect(listed.map((c) => c.dataset.stage)).toEqual(['llm_7b']);
    // Undo takes the fault away again.
    await act(async () => {
      (document.activeElement as HTMLElement | null)?.blur();
    });
    press('z', { ctrl: true });
    await waitFor(async () =>
      expect((await stageChecks('llm_7b')).join()).not.toContain('of a GPU'),
    );
  });

  it('a field checks what is typed: a bad stage id and a negative replica count say why', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-rag'));
    const form = await selectStage('embed');
    setField(form, 'Stage id', '9bad');
    expect(within(form).getByText(/A letter, then letters/)).toBeTruthy();
    setField(form, 'Stage id', 'rerank');
    expect(within(form).getByText('Another stage is named "rerank".')).toBeTruthy();
    setField(form, 'Replicas', '-1');
    expect(within(form).getByText('Must be at least 0.')).toBeTruthy();
    // Renaming on Enter follows the edges.
    setField(form, 'Stage id', 'embedder');
    fireEvent.keyDown(within(form).getByLabelText('Stage id'), { key: 'Enter' });
    await stageBox('embedder');
    expect(document.querySelector('[data-stage="rag"] [data-port="embedding"]')?.textContent).toBe(
      'embedding→ embedder',
    );
  });

  it('Tidy lays the stages out left to right in request order; undo puts them back', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-gateway'));
    await stageBox('router');
    // A stage dragged far right and down (the drag's own edit, as onNodeDragStop makes it).
    act(() => {
      usePipelineEditor.getState().edit((g) => moveStage(g, 'api', [1500, 900]));
    });
    const before = usePipelineEditor.getState().graph!.layout;
    fireEvent.click(screen.getByRole('button', { name: 'Tidy' }));
    await waitFor(() => expect(usePipelineEditor.getState().graph!.layout).not.toBe(before));
    const x = (id: string) => usePipelineEditor.getState().graph!.layout[id]![0];
    expect(x('api')).toBeLessThan(x('router'));
    expect(x('router')).toBeLessThan(x('llm_7b'));
    expect(x('llm_7b')).toBe(x('llm_70b'));
    press('z', { ctrl: true });
    await waitFor(() =>
      expect(usePipelineEditor.getState().graph!.layout.api).toEqual([1500, 900]),
    );
  });

  it('a selected edge unbinds with Delete: the port shows unbound and the check says what is missing', async () => {
    await h.start();
    h.renderApp();
    fireEvent.click(await screen.findByTestId('template-rag'));
    await stageBox('rag');
    const edge = await waitFor(() => {
      const el = document.querySelector<SVGElement>('[aria-label="rag reranker calls rerank"]');
      if (!el) throw new Error('no edge rag -> rerank');
      return el;
    });
    fireEvent.click(edge);
    press('Delete');
    const port = () =>
      document.querySelector(
        '[data-stage="rag"] [data-testid="stage-port"][data-port="reranker"]',
      )!;
    await waitFor(() => expect(port().textContent).toBe('rerankerunbound'));
    expect((await stageChecks('rag')).join('\n')).toMatch(/reranker/);
    press('z', { ctrl: true });
    await waitFor(() => expect(port().textContent).toBe('reranker→ rerank'));
  });
});
