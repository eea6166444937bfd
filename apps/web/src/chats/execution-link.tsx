import type { Execution } from '@xem/protocol';
import { StatusBadge } from '../ui/status-badge';

/** An execution's id (opening its detail modal over the chat) and its live status. */
export function ExecutionLink({
  id,
  execution,
  onOpen,
  showStatus = true,
}: {
  id: string;
  execution: Execution | undefined;
  onOpen: (id: string) => void;
  /** Off where the status is shown otherwise (a tool result carries its own). */
  showStatus?: boolean;
}) {
  return (
    <span className="row exec-link" data-execution-id={id} data-status={execution?.status}>
      <a
        href={`?execution=${encodeURIComponent(id)}`}
        className="mono"
        title="Open the execution"
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          onOpen(id);
        }}
      >
        {id}
      </a>
      {showStatus && execution && <StatusBadge value={execution.status} />}
    </span>
  );
}
