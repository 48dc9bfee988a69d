/**
 * xterm colours from the app's theme: background, text, cursor and selection come from the CSS
 * variables of the current [data-theme]; the 16 ANSI colours are a palette per theme chosen to
 * stay readable on that background.
 */
import type { ITheme } from '@xterm/xterm';

const DARK_ANSI = {
  black: '#1e222b',
  red: '#f06a6a',
  green: '#3fb97a',
  yellow: '#e0a43a',
  blue: '#6ea8fe',
  magenta: '#c792ea',
  cyan: '#56c7d6',
  white: '#c9ced9',
  brightBlack: '#5c6577',
  brightRed: '#ff8c8c',
  brightGreen: '#62d69a',
  brightYellow: '#f3c46a',
  brightBlue: '#9ec5ff',
  brightMagenta: '#dcb2f5',
  brightCyan: '#85e0ec',
  brightWhite: '#ffffff',
};

const LIGHT_ANSI = {
  black: '#1a1f2b',
  red: '#c92a2a',
  green: '#1b8a55',
  yellow: '#a86a00',
  blue: '#2563eb',
  magenta: '#8e44ad',
  cyan: '#0e7c8c',
  white: '#c9ced9',
  brightBlack: '#5b6477',
  brightRed: '#e03131',
  brightGreen: '#2b9a66',
  brightYellow: '#c27c00',
  brightBlue: '#3b82f6',
  brightMagenta: '#a55bc4',
  brightCyan: '#1596a8',
  brightWhite: '#ffffff',
};

/** Reads a CSS variable of the root element (empty when unset, e.g. in tests). */
type ReadVar = (name: string) => string;

export function readCssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function terminalTheme(theme: 'dark' | 'light', read: ReadVar = readCssVar): ITheme {
  const dark = theme === 'dark';
  const pick = (name: string, fallback: string) => read(name) || fallback;
  const accent = pick('--accent', dark ? '#6ea8fe' : '#2563eb');
  return {
    ...(dark ? DARK_ANSI : LIGHT_ANSI),
    background: pick('--panel', dark ? '#171a21' : '#ffffff'),
    foreground: pick('--text', dark ? '#e6e8ee' : '#1a1f2b'),
    cursor: accent,
    cursorAccent: pick('--panel', dark ? '#171a21' : '#ffffff'),
    selectionBackground: dark ? 'rgba(110, 168, 254, 0.35)' : 'rgba(37, 99, 235, 0.25)',
  };
}
