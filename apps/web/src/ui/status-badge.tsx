/** Colour classes of every status and risk the dashboard shows. */
const TONE: Record<string, string> = {
  online: 'ok',
  completed: 'ok',
  approved: 'ok',
  accepted: 'ok',
  live: 'ok',
  read: 'ok',
  dispatched: 'info',
  queued: 'info',
  pending: 'warn',
  pending_approval: 'warn',
  paused: 'warn',
  draining: 'warn',
  write: 'warn',
  reconnecting: 'warn',
  ambiguous: 'warn',
  failed: 'bad',
  timed_out: 'bad',
  rejected: 'bad',
  revoked: 'bad',
  destructive: 'bad',
  irreversible: 'crit',
  offline: 'mute',
  cancelled: 'mute',
  invalidated: 'mute',
  closed: 'mute',
  running: 'info',
  waiting_approval: 'warn',
  idle: 'mute',
};

export function toneOf(value: string): string {
  return TONE[value] ?? 'mute';
}

/** A small coloured label: statuses, risks, health. */
export function StatusBadge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge ${toneOf(value)}`}>{label ?? value.replace(/_/g, ' ')}</span>;
}
