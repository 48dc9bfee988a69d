// @vitest-environment jsdom
/**
 * The one error banner: nothing without an error, the core's typed message (never another
 * error's text) with an optional lead-in, or the caller's own words; test id and extra classes
 * pass through.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RaydeckError } from '../../shared';
import { ErrorBanner } from './ErrorBanner';

afterEach(cleanup);

describe('ErrorBanner', () => {
  it('renders nothing without an error', () => {
    const { container } = render(<ErrorBanner error={null}>never shown</ErrorBanner>);
    expect(container.innerHTML).toBe('');
  });

  it("shows the core's message with a lead-in, and hides anything else thrown", () => {
    render(
      <ErrorBanner
        error={new RaydeckError({ code: 'not_found', message: 'No such node' })}
        prefix="Could not load"
        testId="b1"
      />,
    );
    expect(screen.getByTestId('b1').textContent).toBe('Could not load: No such node');
    render(<ErrorBanner error={new Error('at Object.<anonymous> (x.js:1)')} testId="b2" />);
    expect(screen.getByTestId('b2').textContent).not.toContain('x.js');
  });

  it("says the caller's own words, with its classes, as an alert", () => {
    render(
      <ErrorBanner error="replica died" className="serve-follow-error" testId="b3">
        Ray says: replica died
      </ErrorBanner>,
    );
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toBe('Ray says: replica died');
    expect(banner.className).toBe('banner error serve-follow-error');
  });
});
