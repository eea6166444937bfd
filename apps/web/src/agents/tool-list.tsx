import type { Tool } from '@xem/protocol';
import { RISK_ORDER } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { Empty } from '../ui/states';

/** Tools with their risk, most dangerous first; the catalogue's risk is the strictest any agent declares. */
export function ToolList({ tools, empty }: { tools: readonly Tool[]; empty: string }) {
  if (tools.length === 0) return <Empty title={empty} />;
  const sorted = [...tools].sort(
    (a, b) => RISK_ORDER.indexOf(b.risk) - RISK_ORDER.indexOf(a.risk) || a.name.localeCompare(b.name),
  );
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Tool</th>
            <th>Risk</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((t) => (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td>
                <StatusBadge value={t.risk} />
              </td>
              <td className="muted" title={t.description}>
                {t.description}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
