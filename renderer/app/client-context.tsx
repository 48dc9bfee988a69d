/** Hands the typed core client to every feature; features call the core only through it. */
import { createContext, useContext, type ReactNode } from 'react';
import type { RaydeckClient } from '../../shared';

const ClientContext = createContext<RaydeckClient | null>(null);

export function ClientProvider({
  client,
  children,
}: {
  client: RaydeckClient;
  children: ReactNode;
}) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useRaydeck(): RaydeckClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useRaydeck() outside <ClientProvider>');
  return client;
}
