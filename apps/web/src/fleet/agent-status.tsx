import type { Agent } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';
import { useNow } from '../ui/use-now';
import { leaseLapsed } from './fleet-queries';

/** The status badge, with the reason as its tooltip and a warning when the lease has lapsed. */
export function AgentStatus({ agent }: { agent: Agent }) {
  const now = useNow();
  const lapsed = leaseLapsed(agent, now);
  return (
    <span className="row agent-status" title={agent.status_reason ?? undefined}>
      <StatusBadge value={agent.status} />
      {lapsed && <StatusBadge value="timed_out" label="lease lapsed" />}
      {agent.status_reason && <span className="muted reason">{agent.status_reason}</span>}
    </span>
  );
}
