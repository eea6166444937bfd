/**
 * The typed confirmation of an irreversible tool and the Approve / Reject buttons, shared by the
 * Approvals tab and the chat's question card. Approve enables once the tool name is typed
 * exactly (plain `===`, no trimming or case folding, like the server's check, which decides).
 */
export function DecisionControls(props: {
  idPrefix: string;
  tool: string;
  irreversible: boolean;
  typed: string;
  onTyped: (text: string) => void;
  /** The server refused the last confirmation. */
  mismatch: boolean;
  pending: boolean;
  onDecide: (decision: 'approve' | 'reject') => void;
}) {
  const { idPrefix, tool, irreversible, typed } = props;
  const confirmed = !irreversible || typed === tool;
  return (
    <>
      {irreversible && (
        <label htmlFor={`${idPrefix}-confirm`}>
          <span>
            Irreversible: type <code>{tool}</code> to enable Approve
          </span>
          <input
            id={`${idPrefix}-confirm`}
            value={typed}
            maxLength={200}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            aria-invalid={props.mismatch || (typed !== '' && !confirmed)}
            onChange={(e) => props.onTyped(e.target.value)}
          />
        </label>
      )}
      <div className="row">
        <button
          className="btn primary"
          type="button"
          disabled={!confirmed || props.pending}
          onClick={() => props.onDecide('approve')}
        >
          Approve
        </button>
        <button
          className="btn danger"
          type="button"
          disabled={props.pending}
          onClick={() => props.onDecide('reject')}
        >
          Reject
        </button>
        {irreversible && typed !== '' && !confirmed && (
          <span className="muted">does not match the tool name exactly</span>
        )}
      </div>
    </>
  );
}
