import { ago } from '../ui/format';
import { useNow } from '../ui/use-now';
import { useLiveStatus } from './use-live';

const LABEL = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
  closed: 'offline',
} as const;

/** live / reconnecting / offline, with the time of the last frame (heartbeats count). */
export function ConnectionIndicator() {
  const s = useLiveStatus();
  const now = useNow();
  const label = LABEL[s.state];
  const detail = [
    s.lastEventAtMs ? `last event ${ago(s.lastEventAtMs, now)}` : 'no event yet',
    s.retryInMs !== null ? `retry in ${Math.ceil(s.retryInMs / 1000)} s` : null,
    s.error ? s.error.message : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div className={`conn conn-${label}`} role="status" aria-live="polite" title={detail} data-state={label}>
      <span className="dot" aria-hidden="true" />
      <span className="conn-label">{label}</span>
      <span className="conn-detail muted">{s.lastEventAtMs ? ago(s.lastEventAtMs, now) : ''}</span>
    </div>
  );
}
