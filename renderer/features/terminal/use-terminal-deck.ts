/**
 * The TerminalDeck of the current core client, created once per client and kept for the life of
 * the window (so tabs, their xterm instances and scrollback survive leaving the Terminal page).
 * Its views are XtermViews themed like the shell.
 */
import { useEffect, useState } from 'react';
import type { RaydeckClient } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useShell } from '../../shell/ui-store';
import { TerminalDeck } from './terminal-deck';
import { XtermView } from './xterm-view';

const decks = new WeakMap<
  RaydeckClient,
  { deck: TerminalDeck<XtermView>; restored: Promise<void> }
>();

function deckFor(client: RaydeckClient): {
  deck: TerminalDeck<XtermView>;
  restored: Promise<void>;
} {
  let entry = decks.get(client);
  if (!entry) {
    const deck: TerminalDeck<XtermView> = new TerminalDeck(
      client,
      (tab, size) =>
        new XtermView(size, useShell.getState().theme, {
          onInput: (data) => deck.input(tab.id, data),
          onResize: (cols, rows) => deck.resize(tab.id, cols, rows),
        }),
    );
    const restored = deck.restore().catch(() => {
      // The core is unreachable right now; new tabs still work once it is back.
    });
    entry = { deck, restored };
    decks.set(client, entry);
  }
  return entry;
}

/** The deck, and whether it has picked up the terminals already open in the core. */
export function useTerminalDeck(): { deck: TerminalDeck<XtermView>; restored: boolean } {
  const client = useRaydeck();
  const entry = deckFor(client);
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    let live = true;
    void entry.restored.then(() => live && setRestored(true));
    return () => {
      live = false;
    };
  }, [entry]);
  return { deck: entry.deck, restored };
}
