// @vitest-environment jsdom
/** The options form warns about a plain-http package index (issue 16 item 5) and says nothing for https. */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsForm } from './OptionsForm';
import { useBringupForm } from './bringup-form-store';

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
