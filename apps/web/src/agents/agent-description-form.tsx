import { useQueryClient } from '@tanstack/react-query';
import type { Agent } from '@xem/protocol';
import { useState, type FormEvent } from 'react';
import { storeAgent } from '../fleet/fleet-queries';
import { api } from '../ops-client';
import { errorText } from '../ui/states';

/** The one field of an agent the API lets an operator change (UpdateAgentRequest: description). */
export function AgentDescriptionForm({ agent }: { agent: Agent }) {
  const qc = useQueryClient();
  const [text, setText] = useState(agent.description);
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({
    busy: false,
    error: null,
    saved: false,
  });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      storeAgent(qc, await api.updateAgent(agent.id, { description: text }));
      setState({ busy: false, error: null, saved: true });
    } catch (err) {
      setState({ busy: false, error: errorText(err), saved: false });
    }
  }
  return (
    <form className="form" onSubmit={submit}>
      <label>
        Description
        <textarea
          value={text}
          maxLength={1000}
          rows={2}
          onChange={(e) => {
            setText(e.target.value);
            setState((s) => ({ ...s, saved: false }));
          }}
        />
      </label>
      <div className="row">
        <button className="btn" type="submit" disabled={state.busy || text === agent.description}>
          {state.busy ? 'Saving…' : 'Save description'}
        </button>
        {state.saved && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
        {state.error && (
          <span className="error-text" role="alert">
            {state.error}
          </span>
        )}
      </div>
    </form>
  );
}
