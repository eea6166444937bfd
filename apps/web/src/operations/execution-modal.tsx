import { useQuery } from '@tanstack/react-query';
import { api } from '../ops-client';
import { duration, when } from '../ui/format';
import { Modal } from '../ui/modal';
import { ErrorState, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { ApprovalTrail } from './approval-trail';
import type { NameLookups } from './execution-columns';
import { ExecutionActions } from './execution-actions';
import { AttemptsTable, StatusTimeline } from './execution-history';
import { ExecutionOutput } from './execution-output';

/**
 * The execution detail modal (`/ops/operations?execution=<id>`): arguments, output, attempts,
 * status timeline, approval trail and the actions its status allows. `['execution', id]` is
 * refreshed by every `ox.execution.*` event of this id (live-events.ts).
 */
export function ExecutionModal({
  id,
  names,
  onClose,
}: {
  id: string;
  names: NameLookups;
  onClose: () => void;
}) {
  const q = useQuery({ queryKey: ['execution', id], queryFn: () => api.getExecution(id) });
  const d = q.data;
  return (
    <Modal
      wide
      onClose={onClose}
      title={
        d ? (
          <>
            {d.tool} <StatusBadge value={d.status} />
          </>
        ) : (
          'Execution'
        )
      }
    >
      {q.isPending ? (
        <Loading what="Loading the execution" />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : (
        <div className="stack ops-detail" data-testid="execution-detail" data-status={d!.status}>
          <div className="grid2">
            <dl className="kv">
              <dt>Invocation ID</dt>
              <dd className="mono">{d!.id}</dd>
              <dt>Workspace</dt>
              <dd>{names.workspaceName(d!.workspace_id)}</dd>
              <dt>Agent</dt>
              <dd>
                {d!.agent_id ? names.agentName(d!.agent_id) : <span className="muted">not assigned</span>}
              </dd>
              <dt>Risk</dt>
              <dd>
                <StatusBadge value={d!.risk} /> {d!.idempotent ? 'idempotent' : 'not idempotent'}
              </dd>
              <dt>Source</dt>
              <dd>
                {d!.source}
                {d!.created_by.key_id && <span className="muted"> · key {d!.created_by.key_id}</span>}
              </dd>
            </dl>
            <dl className="kv">
              <dt>Created</dt>
              <dd>{when(d!.created_at)}</dd>
              <dt>Started</dt>
              <dd>{when(d!.dispatched_at)}</dd>
              <dt>Finished</dt>
              <dd>{when(d!.finished_at)}</dd>
              <dt>Duration</dt>
              <dd>{duration(d!.duration_ms)}</dd>
              <dt>Attempt</dt>
              <dd>
                {d!.attempt} of at most {d!.max_attempts} · timeout {duration(d!.timeout_ms)}
              </dd>
            </dl>
          </div>
          <ExecutionActions execution={d!} />
          <section className="stack" aria-labelledby="ops-args-h">
            <h3 id="ops-args-h">Arguments</h3>
            <pre className="ops-pre" data-testid="execution-args">
              {JSON.stringify(d!.args, null, 2)}
            </pre>
          </section>
          <ExecutionOutput detail={d!} />
          <section className="stack" aria-labelledby="ops-attempts-h">
            <h3 id="ops-attempts-h">Attempts</h3>
            <AttemptsTable detail={d!} agentName={names.agentName} />
          </section>
          <section className="stack" aria-labelledby="ops-timeline-h">
            <h3 id="ops-timeline-h">Status timeline</h3>
            <StatusTimeline detail={d!} />
          </section>
          {d!.approval_id && <ApprovalTrail approvalId={d!.approval_id} />}
        </div>
      )}
    </Modal>
  );
}
