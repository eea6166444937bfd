import { useMutation, useQueryClient } from '@tanstack/react-query';
import { XemApiError } from '@xem/client';
import type { Approval, ApprovalDetail } from '@xem/protocol';
import { useId, useState } from 'react';
import { api } from '../ops-client';
import { errorText } from '../ui/states';
import { DecisionControls } from './decision-controls';

type Viewer = ApprovalDetail['viewer'] | Error | undefined;

function failureText(err: unknown, tool: string): string {
  if (err instanceof XemApiError && err.code === 'approval_confirm_mismatch')
    return `The server refused the confirmation: it must be exactly "${tool}" — same case, no spaces, no look-alike characters (${err.code}).`;
  return errorText(err);
}

/**
 * Approve (with a note) or reject (with a reason) one pending approval. For an irreversible
 * tool the tool name must be typed exactly before Approve enables; the comparison here is only
 * a guide (plain `===`, no trimming or case folding, like the server's), the typed text is
 * sent as `confirm` and the server decides. Viewers who may not decide see why instead.
 */
export function ApprovalDecisionForm({ approval, viewer }: { approval: Approval; viewer: Viewer }) {
  const qc = useQueryClient();
  const id = useId();
  const [comment, setComment] = useState('');
  const [typed, setTyped] = useState('');
  const irreversible = approval.risk === 'irreversible';
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      decision === 'approve'
        ? api.approveApproval(approval.id, {
            ...(comment ? { note: comment } : {}),
            ...(irreversible ? { confirm: typed } : {}),
          })
        : api.rejectApproval(approval.id, comment ? { reason: comment } : {}),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['approvals'] });
      void qc.invalidateQueries({ queryKey: ['approval', approval.id] });
    },
  });

  if (approval.status !== 'pending') return null;
  if (viewer === undefined)
    return <p className="muted decide-state">Checking whether you may decide this request…</p>;
  if (viewer instanceof Error)
    return (
      <p className="error-text decide-state" role="alert">
        Could not check whether you may decide: {errorText(viewer)}
      </p>
    );
  if (!viewer.can_decide)
    return (
      <p className="cannot-decide decide-state" role="note">
        <strong>You cannot decide this request.</strong> {viewer.reason}
      </p>
    );

  const mismatch = decide.error instanceof XemApiError && decide.error.code === 'approval_confirm_mismatch';
  return (
    <form
      className="decide"
      aria-label={`Decide ${approval.tool} (${approval.id})`}
      onSubmit={(e) => e.preventDefault()}
    >
      <label htmlFor={`${id}-comment`}>
        Note (approve) or reason (reject)
        <input
          id={`${id}-comment`}
          value={comment}
          maxLength={2000}
          onChange={(e) => setComment(e.target.value)}
          placeholder="stored with your decision"
        />
      </label>
      <DecisionControls
        idPrefix={id}
        tool={approval.tool}
        irreversible={irreversible}
        typed={typed}
        onTyped={setTyped}
        mismatch={mismatch}
        pending={decide.isPending}
        onDecide={(d) => decide.mutate(d)}
      />
      {decide.error && (
        <p className="error-text" role="alert">
          {failureText(decide.error, approval.tool)}
        </p>
      )}
    </form>
  );
}
