/**
 * Server state lives in react-query. Pushed events write into the cache with setQueryData, so
 * queries need no polling: a long staleTime, no refetch on focus, one retry.
 */
import { QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 60_000, refetchOnWindowFocus: false, retry: 1 },
      mutations: { retry: 0 },
    },
  });
}
