// @vitest-environment jsdom
/** The try-it request bodies (docs/pipeline-graph.md's table) and the per-stage timing bars. */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TimingBars } from './TimingBars';
import { requestBody } from './TryPanel';

const F = {
  text: 'why?',
  candidates: 'a\n\n b \n',
  field: 'model_size',
  value: '70b',
  maxTokens: 16,
};

describe('try-it', () => {
  afterEach(cleanup);

  it('writes the body each stage kind takes', () => {
    expect(requestBody('chat', F)).toEqual({ prompt: 'why?', max_tokens: 16 });
    expect(requestBody('embed', F)).toEqual({ text: 'why?' });
    expect(requestBody('rerank', F)).toEqual({ query: 'why?', candidates: ['a', 'b'] });
    expect(requestBody('rag', F)).toEqual({ query: 'why?', candidates: ['a', 'b'] });
    expect(requestBody('router', F)).toEqual({ model_size: '70b', prompt: 'why?', max_tokens: 16 });
  });

  it('draws one bar per stage, slowest first and widest', () => {
    render(<TimingBars timings={{ api: 120, embed: 10, llm: 100 }} />);
    const rows = screen.getAllByTestId('try-timing');
    expect(rows.map((r) => r.dataset.stage)).toEqual(['api', 'llm', 'embed']);
    const widths = rows.map((r) => (r.querySelector('.pl-timing-bar') as HTMLElement).style.width);
    expect(widths[0]).toBe('100%');
    expect(parseFloat(widths[1]!)).toBeCloseTo(83.33, 1);
    expect(rows[2]!.textContent).toContain('10 ms');
  });
});
