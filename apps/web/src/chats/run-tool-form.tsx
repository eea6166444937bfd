import { useMutation, useQueryClient } from '@tanstack/react-query';
import { XemApiError } from '@xem/client';
import { RISK_ORDER, type Chat, type Tool } from '@xem/protocol';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTools } from '../fleet/fleet-queries';
import { StatusBadge } from '../ui/status-badge';
import { errorText } from '../ui/states';
import { argsSkeleton, paramsOf, parseArgs } from './args-skeleton';
import { appendChatMessage } from './chat-live';
import { api } from '../ops-client';
import { turnBlockReason } from './turn-block-reason';

interface Choice {
  name: string;
  /** The catalogue entry when an agent of the workspace offers it now. */
  tool: Tool | undefined;
}

function refusalText(err: unknown): string {
  if (err instanceof XemApiError && err.code === 'tool_executor_unavailable' && err.retryAfterSeconds)
    return `${errorText(err)} — try again in ${err.retryAfterSeconds} s.`;
  if (err instanceof XemApiError && err.code === 'invalid_body' && err.param)
    return `${errorText(err)} — at ${err.param}.`;
  return errorText(err);
}

/**
 * Without a model, operators run the chat's tools themselves: one of its allowed tools (or,
 * for a blank chat, any tool offered in the workspace) with arguments as JSON. The call is an
 * assistant message with the execution it became; the result arrives live as a tool message.
 */
export function RunToolForm({ chat }: { chat: Chat }) {
  const qc = useQueryClient();
  const id = useId();
  const tools = useTools();
  const choices = useMemo<Choice[]>(() => {
    const offered = (tools.data ?? []).filter((t) => t.workspace_ids.includes(chat.workspace_id));
    const byName = new Map(offered.map((t) => [t.name, t]));
    const names = chat.allowed_tools ?? offered.map((t) => t.name);
    return [...new Set(names)]
      .map((name) => ({ name, tool: byName.get(name) }))
      .sort(
        (a, b) =>
          RISK_ORDER.indexOf(a.tool?.risk ?? 'read') - RISK_ORDER.indexOf(b.tool?.risk ?? 'read') ||
          a.name.localeCompare(b.name),
      );
  }, [tools.data, chat.allowed_tools, chat.workspace_id]);
  const [picked, setPicked] = useState('');
  const [argsText, setArgsText] = useState('{}');
  const run = useMutation({
    mutationFn: (v: { tool: string; args: Record<string, unknown> }) => api.chats.runTool(chat.id, v),
    onSuccess: (r) => {
      qc.setQueryData(['chat', chat.id], r.chat);
      appendChatMessage(qc, r.message);
      void qc.invalidateQueries({ queryKey: ['executions', { chat: chat.id }] });
    },
  });

  const current = choices.find((c) => c.name === picked);
  const parsed = parseArgs(argsText);
  const blocked = turnBlockReason(chat);
  const pick = (name: string) => {
    setPicked(name);
    run.reset();
    const t = choices.find((c) => c.name === name)?.tool;
    setArgsText(t ? argsSkeleton(t.params) : '{}');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (current && 'args' in parsed && !blocked) run.mutate({ tool: current.name, args: parsed.args });
  };

  return (
    <form className="card stack chat-run-tool" aria-label="Run a tool" onSubmit={submit}>
      <div className="row between">
        <h3>Run a tool</h3>
        <span className="muted">
          {chat.allowed_tools === null
            ? "A blank chat: any tool offered in the workspace. The workspace's approval policy applies."
            : `The chat's ${chat.allowed_tools.length} allowed tool${chat.allowed_tools.length === 1 ? '' : 's'}; approvals follow its ${chat.approval_policy} policy.`}
        </span>
      </div>
      {tools.isError && (
        <p className="error-text" role="alert">
          Could not load the tool catalogue: {errorText(tools.error)}
        </p>
      )}
      {choices.length === 0 && !tools.isPending ? (
        <p className="muted">
          {chat.allowed_tools === null
            ? 'No agent of this workspace offers a tool right now.'
            : 'This chat allows no tools.'}
        </p>
      ) : (
        <div className="chat-run-grid">
          <div className="stack">
            <label htmlFor={`${id}-tool`}>
              Tool
              <select id={`${id}-tool`} value={picked} onChange={(e) => pick(e.target.value)}>
                <option value="">Choose a tool…</option>
                {choices.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                    {c.tool ? ` (${c.tool.risk})` : tools.data ? ' (no agent offers it now)' : ''}
                  </option>
                ))}
              </select>
            </label>
            {current?.tool && (
              <div className="stack chat-tool-about">
                <div className="row">
                  <StatusBadge value={current.tool.risk} />
                  <span>{current.tool.description}</span>
                </div>
                <ul className="chat-params">
                  {paramsOf(current.tool.params).map((p) => (
                    <li key={p.name}>
                      <code>{p.name}</code> <span className="muted">{p.type}</span>
                      {p.required && <strong> required</strong>}
                      {p.description && <span className="muted"> — {p.description}</span>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {current && !current.tool && tools.data && (
              <p className="notice">
                No agent of this workspace offers {current.name} now; the server will say so.
              </p>
            )}
          </div>
          <label htmlFor={`${id}-args`}>
            Arguments (JSON object)
            <textarea
              id={`${id}-args`}
              value={argsText}
              rows={8}
              spellCheck={false}
              aria-invalid={'error' in parsed}
              onChange={(e) => setArgsText(e.target.value)}
            />
            {'error' in parsed && <span className="error-text">{parsed.error}</span>}
          </label>
        </div>
      )}
      <div className="row">
        <button
          className="btn primary"
          type="submit"
          disabled={!current || 'error' in parsed || !!blocked || run.isPending}
        >
          {run.isPending ? 'Running…' : 'Run'}
        </button>
        {blocked && <span className="muted">{blocked}</span>}
        {run.isSuccess && !run.isPending && (
          <span className="muted" role="status">
            Sent: {run.data.message.tool_calls[0]?.name ?? picked} is in the transcript; its result follows
            there.
          </span>
        )}
      </div>
      {run.error && (
        <p className="error-text" role="alert">
          {refusalText(run.error)}
        </p>
      )}
    </form>
  );
}
