import type { ExecutionDetail } from '@xem/protocol';
import { duration, when } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';

/** Every attempt of the execution: which agent ran it, how it ended, how long it took. */
export function AttemptsTable({
  detail: d,
  agentName,
}: {
  detail: ExecutionDetail;
  agentName: (id: string) => string;
}) {
  if (d.attempts.length === 0) return <p className="muted">Not dispatched yet.</p>;
  return (
    <table className="table">
      <caption className="sr-only">Attempts</caption>
      <thead>
        <tr>
          <th>#</th>
          <th>Agent</th>
          <th>Status</th>
          <th>Exit</th>
          <th>Dispatched</th>
          <th>Duration</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {d.attempts.map((a) => (
          <tr key={a.attempt}>
            <td>{a.attempt}</td>
            <td>{a.agent_id ? agentName(a.agent_id) : '—'}</td>
            <td>
              <StatusBadge value={a.status} />
            </td>
            <td className="mono">{a.exit_code ?? '—'}</td>
            <td>{when(a.dispatched_at)}</td>
            <td>
              {a.dispatched_at && a.finished_at
                ? duration(Date.parse(a.finished_at) - Date.parse(a.dispatched_at))
                : '—'}
            </td>
            <td className="ops-wrap">{a.error ? `${a.error.message} (${a.error.code})` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The status transitions, oldest first, with the reason the server recorded. */
export function StatusTimeline({ detail: d }: { detail: ExecutionDetail }) {
  return (
    <ol className="timeline" aria-label="Status timeline">
      {d.history.map((h, i) => (
        <li key={i}>
          <StatusBadge value={h.to} /> <span className="muted">{when(h.at)}</span>
          {h.attempt > 0 && <span className="muted"> · attempt {h.attempt}</span>}
          {h.reason && <div className="muted">{h.reason}</div>}
        </li>
      ))}
    </ol>
  );
}
