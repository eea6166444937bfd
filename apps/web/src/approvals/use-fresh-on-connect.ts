import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLiveStatus } from '../live/use-live';

/**
 * Refetches `keys` when /ops/stream first becomes live. A page loaded before the stream
 * connected may have missed events in between: the first connection replays nothing (a
 * reconnection does, and after an outage live-events.ts refreshes everything itself).
 */
export function useFreshOnConnect(keys: QueryKey[]): void {
  const qc = useQueryClient();
  const state = useLiveStatus().state;
  const prev = useRef(state);
  const keysRef = useRef(keys);
  keysRef.current = keys;
  useEffect(() => {
    if (state === 'live' && prev.current === 'connecting')
      for (const queryKey of keysRef.current) void qc.invalidateQueries({ queryKey });
    prev.current = state;
  }, [qc, state]);
}
