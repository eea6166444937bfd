import { QueryClient } from '@tanstack/react-query';
import { XemApiError } from '@xem/client';

/**
 * Data stays fresh through /ops/stream (see live/live-events.ts), not by polling: queries are
 * never refetched on a timer, only when an event says their data changed.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      retry: (failures, err) => !(err instanceof XemApiError && err.status < 500) && failures < 2,
    },
  },
});
