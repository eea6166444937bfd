import { useMutation, useQueryClient } from '@tanstack/react-query';
import { XemApiError } from '@xem/client';
import type { ApprovalDetail } from '@xem/protocol';
import { useId, useState } from 'react';
import { errorText } from '../ui/states';
import { DecisionControls } from '../approvals/decision-controls';
import { api } from '../ops-client';

/** The server's refusal of an answer, with what it means here. */
export function answerRefusalText(err: unknown, tool: string): string {
  if (!(err instanceof XemApiError)) return errorText(err);
  switch (err.code) {
    case 'approver_not_authorized':
      return `The server refused your answer: ${err.message} (${err.code})`;
    case 'approval_confirm_mismatch':
      return `The server refused the confirmation: it must be exactly "${tool}" — same case, no spaces, no look-alike characters (${err.code}).`;
    case 'approval_already_decided':
      return `This request was decided already, by someone else or another tab (${err.code}).`;
    case 'not_found':
      return `This approval is not one of this chat's, or no longer exists (${err.code}).`;
    default:
      return errorText(err);
  }
}

/**
 * Approve (with an optional note) or reject (with an optional reason), posted to
 * `/ops/api/chats/:id/answer`. For an irreversible tool Approve enables once the tool name is
 * typed exactly (plain `===`, like the server, which decides). Viewers who may not decide see
 * the server's reason instead of the buttons; a refusal of the answer itself is shown as sent.
 */
export function ChatAnswerForm({ chatId, approval: a }: { chatId: string; approval: ApprovalDetail }) {
  const qc = useQueryClient();
  const id = useId();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const irreversible = a.risk === 'irreversible';
  const answer = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api.chats.answer(chatId, {
        approval_id: a.id,
        decision,
        ...(decision === 'approve' && note ? { note } : {}),
        ...(decision === 'approve' && irreversible ? { confirm: typed } : {}),
        ...(decision === 'reject' && reason ? { reason } : {}),
      }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['approval', a.id] });
      void qc.invalidateQueries({ queryKey: ['executions', { chat: chatId }] });
      void qc.invalidateQueries({ queryKey: ['approvals'] });
    },
  });

  if (a.status !== 'pending') return null;
  if (answer.isSuccess)
    return (
      <p className="decide-state" role="status">
        {answer.data.status === 'pending'
          ? `Your approval counts (${answer.data.approvals_so_far} of ${answer.data.required_approvals}); the request waits for more.`
          : answer.data.decision === 'approved'
            ? 'Approved: the tool call goes to an agent.'
            : 'Rejected: the tool call will not run.'}
      </p>
    );
  if (!a.viewer.can_decide)
    return (
      <p className="cannot-decide decide-state" role="note">
        <strong>You cannot answer this question.</strong> {a.viewer.reason}
      </p>
    );

  const mismatch = answer.error instanceof XemApiError && answer.error.code === 'approval_confirm_mismatch';
  return (
    <form className="decide" aria-label={`Answer ${a.tool} (${a.id})`} onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-note`}>
        Note (with approve)
        <input
          id={`${id}-note`}
          value={note}
          maxLength={2000}
          onChange={(e) => setNote(e.target.value)}
          placeholder="stored with your decision"
        />
      </label>
      <label htmlFor={`${id}-reason`}>
        Reason (with reject)
        <input
          id={`${id}-reason`}
          value={reason}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
          placeholder="the model and the chat see it"
        />
      </label>
      <DecisionControls
        idPrefix={id}
        tool={a.tool}
        irreversible={irreversible}
        typed={typed}
        onTyped={setTyped}
        mismatch={mismatch}
        pending={answer.isPending}
        onDecide={(d) => answer.mutate(d)}
      />
      {answer.error && (
        <p className="error-text" role="alert">
          {answerRefusalText(answer.error, a.tool)}
        </p>
      )}
    </form>
  );
}
