/** The root component: providers (core client, react-query) around the shell. */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RaydeckClient } from '../../shared';
import { ClientProvider } from './client-context';
import { createQueryClient } from './query-client';
import { Shell } from '../shell/Shell';

export function App({ client, queryClient }: { client: RaydeckClient; queryClient?: QueryClient }) {
  const [qc] = useState(() => queryClient ?? createQueryClient());
  return (
    <ClientProvider client={client}>
      <QueryClientProvider client={qc}>
        <Shell />
      </QueryClientProvider>
    </ClientProvider>
  );
}
