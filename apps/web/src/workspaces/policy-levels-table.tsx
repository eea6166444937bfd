import type { PolicyLevels } from '@xem/protocol';
import { RISK_ORDER } from '@xem/protocol';
import { span } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';

/** One row per risk level: whether approval is needed, timeout, on timeout, self-approval, stages. */
export function PolicyLevelsTable({ levels }: { levels: PolicyLevels }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Risk</th>
            <th>Approval</th>
            <th>Timeout</th>
            <th>On timeout</th>
            <th>Self-approval</th>
            <th>Escalation</th>
          </tr>
        </thead>
        <tbody>
          {RISK_ORDER.map((risk) => {
            const l = levels[risk];
            return (
              <tr key={risk}>
                <td>
                  <StatusBadge value={risk} />
                </td>
                <td>
                  {l.requires_approval ? (
                    <strong>required</strong>
                  ) : (
                    <span className="muted">not required</span>
                  )}
                </td>
                <td>{l.requires_approval ? span(l.timeout_seconds) : '—'}</td>
                <td>{l.requires_approval ? l.on_timeout : '—'}</td>
                <td>{l.self_approval}</td>
                <td className="policy-stages">
                  {l.escalation.length === 0
                    ? '—'
                    : l.escalation
                        .map(
                          (s, i) =>
                            `${i + 1}. ${s.required_approvals} of ${s.approvers.join(', ')}` +
                            (s.timeout_seconds ? ` (${span(s.timeout_seconds)})` : ''),
                        )
                        .join(' → ')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
