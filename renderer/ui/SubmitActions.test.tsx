// @vitest-environment jsdom
/**
 * A form dialog's buttons row (SubmitActions in Dialog.tsx): Cancel cancels without submitting,
 * the submit button submits the form, and is disabled while busy (with its busy label) or when
 * the form says so.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SubmitActions } from './Dialog';

afterEach(cleanup);

function inForm(props: Parameters<typeof SubmitActions>[0], onSubmit = vi.fn()) {
  render(
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <SubmitActions {...props} />
    </form>,
  );
  return onSubmit;
}

describe('SubmitActions', () => {
  it('cancels without submitting, and submits the form', () => {
    const onCancel = vi.fn();
    const onSubmit = inForm({ onCancel, label: 'Add cluster', busyLabel: 'Adding…' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Add cluster' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('is disabled while busy, with the busy label when there is one', () => {
    inForm({ onCancel: vi.fn(), label: 'Save', busyLabel: 'Saving…', busy: true });
    expect(screen.getByRole('button', { name: 'Saving…' }).hasAttribute('disabled')).toBe(true);
    cleanup();
    inForm({ onCancel: vi.fn(), label: 'Connect', busy: true });
    expect(screen.getByRole('button', { name: 'Connect' }).hasAttribute('disabled')).toBe(true);
    cleanup();
    inForm({ onCancel: vi.fn(), label: 'Connect', disabled: true });
    expect(screen.getByRole('button', { name: 'Connect' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(false);
  });
});
