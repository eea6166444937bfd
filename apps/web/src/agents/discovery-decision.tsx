import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DiscoveryCandidate } from '@xem/protocol';
import { useId, useState } from 'react';
import { api } from '../ops-client';
import { errorText } from '../ui/states';

/**
 * Accept or reject (with a reason) one discovered component; owners only. A decided component can
 * be decided the other way (rejecting an accepted one takes it out of the graph).
 */
export function DiscoveryDecision({ candidate }: { candidate: DiscoveryCandidate }) {
  const qc = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'accept' | 'reject') =>
      decision === 'accept'
        ? api.discovery.accept(candidate.id, reason.trim() ? { reason: reason.trim() } : {})
        : api.discovery.reject(candidate.id, { reason: reason.trim() }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['discovery'] });
      void qc.invalidateQueries({ queryKey: ['graph'] });
    },
  });
  const label = `${candidate.name} ${candidate.address ?? ''}`.trim();
  return (
    <form className="decide" aria-label={`Decide ${label}`} onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-reason`}>
        Reason (required to reject)
        <input
          id={`${id}-reason`}
          value={reason}
          maxLength={1000}
          onChange={(e) => setReason(e.target.value)}
          placeholder="stored with your decision"
        />
      </label>
      <div className="row">
        {candidate.status !== 'accepted' && (
          <button
            className="btn primary small"
            type="button"
            disabled={decide.isPending}
            onClick={() => decide.mutate('accept')}
          >
            Accept
          </button>
        )}
        {candidate.status !== 'rejected' && (
          <button
            className="btn danger small"
            type="button"
            disabled={decide.isPending || reason.trim() === ''}
            onClick={() => decide.mutate('reject')}
          >
            Reject
          </button>
        )}
      </div>
      {decide.isError && (
        <p className="error-text" role="alert">
          {errorText(decide.error)}
        </p>
      )}
    </form>
  );
}
