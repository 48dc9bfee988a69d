// @vitest-environment jsdom
/**
 * The path dialog of the UI kit: the hint until something is typed, then the path's problem (and
 * Save disabled); a good path is submitted trimmed, once, however often Enter is pressed; the
 * core's refusal shows in its banner.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PathDialog } from './PathDialog';

afterEach(cleanup);

const problem = (p: string) => (p.trim().endsWith('.yaml') ? null : 'A YAML file, please.');

function dialog(over: Partial<Parameters<typeof PathDialog>[0]> = {}) {
  const onSubmit = vi.fn();
  render(
    <PathDialog
      title="Save it"
      submitLabel="Save"
      busyLabel="Saving…"
      initial=""
      problem={problem}
      placeholder="a.yaml"
      hint="On the machine the core runs on."
      busy={false}
      error={null}
      errorPrefix="Not saved"
      errorTestId="t-error"
      testId="t"
      onSubmit={onSubmit}
      onClose={vi.fn()}
      {...over}
    />,
  );
  return onSubmit;
}

describe('PathDialog', () => {
  it('shows the hint until something is typed, then the problem; Save stays disabled', () => {
    dialog();
    expect(screen.getByText('On the machine the core runs on.')).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save' });
    expect(save.hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: 'notes.txt' } });
    expect(screen.getByText('A YAML file, please.')).toBeTruthy();
    expect(screen.getByLabelText('Path').getAttribute('aria-invalid')).toBe('true');
    expect(save.hasAttribute('disabled')).toBe(true);
  });

  it('submits a good path trimmed, once while the first submit is in flight', () => {
    const onSubmit = dialog();
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '  ~/a.yaml ' } });
    const form = screen.getByLabelText('Path').closest('form')!;
    fireEvent.submit(form);
    fireEvent.submit(form);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]![0]).toBe('~/a.yaml');
  });

  it("shows the core's refusal with its prefix", () => {
    dialog({ error: new Error('the folder does not exist') });
    expect(screen.getByTestId('t-error').textContent).toMatch(/^Not saved: /);
  });
});
