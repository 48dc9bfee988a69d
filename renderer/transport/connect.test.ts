// @vitest-environment jsdom
/** The page's token (issue 16): taken from the address once, kept in the tab, never a cookie. */
import { describe, expect, it } from 'vitest';
import { takePageToken, webSocketUrl } from './connect';

describe('browser-mode page token', () => {
  it('takes the token from the address, drops it from the address bar and keeps hash routes', () => {
    window.history.replaceState(null, '', '/?token=abc_DEF-123&x=1#/nodes');
    sessionStorage.clear();
    expect(takePageToken(window)).toBe('abc_DEF-123');
    expect(window.location.search).toBe('?x=1');
    expect(window.location.hash).toBe('#/nodes');
    expect(document.cookie).not.toContain('abc_DEF-123');
  });

  it('finds it again after a reload (the address no longer has it)', () => {
    window.history.replaceState(null, '', '/#/bringup');
    expect(takePageToken(window)).toBe('abc_DEF-123');
  });

  it('puts the token on the WebSocket URL, since the server refuses the WebSocket without it', () => {
    expect(webSocketUrl(window, 'a+b/c')).toBe(
      `ws://${window.location.host}/api/ws?token=a%2Bb%2Fc`,
    );
  });
});
