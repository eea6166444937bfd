import { useQueryClient } from '@tanstack/react-query';
import type { Execution, ExecutionStatus } from '@xem/protocol';
import { api } from '../ops-client';
import { ConfirmButton } from '../ui/confirm-button';

/** What the server accepts (cancel-execution.ts, resolve-execution.ts, transitions.ts). */
const CANCELLABLE: ReadonlySet<ExecutionStatus> = new Set(['pending_approval', 'queued', 'dispatched']);
const RETRYABLE: ReadonlySet<ExecutionStatus> = new Set(['failed', 'timed_out', 'ambiguous']);

/**
 * Cancel / retry / mark failed, each shown only in the statuses the server allows; each asks
 * first and shows the server's refusal inline in its dialog (e.g. a race with the agent's result).
 */
export function ExecutionActions({ execution: e }: { execution: Execution }) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['execution', e.id] });
  const cancel = CANCELLABLE.has(e.status);
  const retry = RETRYABLE.has(e.status);
  const markFailed = e.status === 'ambiguous';
  if (!cancel && !retry && !markFailed) return null;
  return (
    <div className="row ops-actions" role="group" aria-label="Execution actions">
      {cancel && (
        <ConfirmButton
          label="Cancel execution"
          title={`Cancel ${e.tool}?`}
          confirmLabel="Cancel execution"
          danger
          onConfirm={async () => {
            await api.cancelExecution(e.id);
            await refresh();
          }}
        >
          <p>
            {e.status === 'dispatched'
              ? 'The agent is told to stop the tool; the execution becomes cancelled when the agent confirms.'
              : e.status === 'pending_approval'
                ? 'The execution and its pending approval are cancelled; it will never run.'
                : 'The execution leaves the queue and will never run.'}
          </p>
        </ConfirmButton>
      )}
      {retry && (
        <ConfirmButton
          label="Retry"
          title={`Retry ${e.tool}?`}
          onConfirm={async () => {
            await api.retryExecution(e.id);
            await refresh();
          }}
        >
          <p>
            The execution goes back to the queue and runs again as attempt {e.attempt + 1}, with the same
            arguments
            {e.idempotent ? '' : '. The tool is not idempotent: check what the last attempt did first'}.
          </p>
        </ConfirmButton>
      )}
      {markFailed && (
        <ConfirmButton
          label="Mark failed"
          title={`Mark ${e.tool} failed?`}
          danger
          onConfirm={async () => {
            await api.markExecutionFailed(e.id);
            await refresh();
          }}
        >
          <p>
            Its agent was lost while the tool ran, so nobody knows whether it finished. Marking it failed
            records that it did not; it will not run again unless retried.
          </p>
        </ConfirmButton>
      )}
    </div>
  );
}
