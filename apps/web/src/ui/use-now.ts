import { useSyncExternalStore } from 'react';

let now = Date.now();
const subs = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(l: () => void): () => void {
  subs.add(l);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const s of subs) s();
  }, 1000);
  return () => {
    subs.delete(l);
    if (subs.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time in ms, ticking once a second for every "n s ago" on the page at once. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
