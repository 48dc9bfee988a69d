// @vitest-environment jsdom
/** The options form warns about a plain-http package index (issue 16 item 5) and says nothing for https. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsForm } from './OptionsForm';
import { DEFAULT_DRAFT, draftToOptions, useBringupForm } from './bringup-form-store';

beforeEach(() => useBringupForm.setState({ drafts: {} }));
afterEach(cleanup);

describe('OptionsForm: index URL', () => {
  it('warns while the index URL is plain http, not once it is https', () => {
    render(
      <OptionsForm
        clusterId="c1"
        onReview={() => {}}
        pending={false}
        error={null}
        blocked={null}
      />,
    );
    act(() =>
      useBringupForm
        .getState()
        .update('c1', { sourceKind: 'index', indexUrl: 'http://mirror.lan:8080/simple' }),
    );
    expect(screen.getByTestId('http-index-warning').textContent).toMatch(
      /Plain http: pip will trust this index/,
    );
    act(() => useBringupForm.getState().update('c1', { indexUrl: 'https://mirror.lan/simple' }));
    expect(screen.queryByTestId('http-index-warning')).toBeNull();
  });
});

describe('OptionsForm: where vLLM goes', () => {
  const nodes = [
    { id: 'n1', name: 'head-a' },
    { id: 'n2', name: 'gpu-b' },
  ];
  it('starts with every node, sends the chosen ones, and hides the choice without vLLM', () => {
    render(
      <OptionsForm
        clusterId="c1"
        onReview={() => {}}
        pending={false}
        error={null}
        blocked={null}
        nodes={nodes}
      />,
    );
    const box = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
    expect([box('head-a').checked, box('gpu-b').checked]).toEqual([true, true]);
    expect(draftToOptions(useBringupForm.getState().drafts.c1 ?? DEFAULT_DRAFT)).not.toHaveProperty(
      'vllmNodeIds',
    );
    fireEvent.click(box('head-a'));
    expect(box('head-a').checked).toBe(false);
    expect(draftToOptions(useBringupForm.getState().drafts.c1!).vllmNodeIds).toEqual(['n2']);
    fireEvent.click(box('gpu-b'));
    expect(screen.getByRole('note').textContent).toMatch(/No node is chosen/);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Install vLLM' }));
    expect(screen.queryByTestId('vllm-nodes')).toBeNull();
    expect(draftToOptions(useBringupForm.getState().drafts.c1!)).toEqual({
      source: { kind: 'pypi' },
      withVllm: false,
    });
  });

  it('PyTorch CPU index: on by default for PyPI, off for an index, sent only when changed', () => {
    render(
      <OptionsForm
        clusterId="c1"
        onReview={() => {}}
        pending={false}
        error={null}
        blocked={null}
      />,
    );
    const torch = () =>
      screen.getByRole('checkbox', { name: /CPU torch from PyTorch/ }) as HTMLInputElement;
    expect(torch().checked).toBe(true);
    act(() =>
      useBringupForm.getState().update('c1', { sourceKind: 'index', indexUrl: 'https://m/simple' }),
    );
    expect(torch().checked).toBe(false);
    fireEvent.click(torch());
    expect(draftToOptions(useBringupForm.getState().drafts.c1!).source).toEqual({
      kind: 'index',
      url: 'https://m/simple',
      pytorchCpuIndex: true,
    });
  });
});
