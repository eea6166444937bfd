import type { StreamStatus } from '@xem/client';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { currentStatus, onLiveEvent, subscribeStatus, type LiveEvent } from './live-events';

/** The /ops/stream connection state, for the indicator. */
export function useLiveStatus(): StreamStatus {
  return useSyncExternalStore(subscribeStatus, currentStatus);
}

/** Calls `handler` for every live event whose name starts with `prefix` (e.g. `ox.execution.`). */
export function useLiveEvent(prefix: string, handler: (e: LiveEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(
    () =>
      onLiveEvent((e) => {
        if (e.name.startsWith(prefix)) ref.current(e);
      }),
    [prefix],
  );
}
