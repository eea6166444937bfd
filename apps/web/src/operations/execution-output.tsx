import { useQuery } from '@tanstack/react-query';
import type { ExecutionDetail } from '@xem/protocol';
import { useState } from 'react';
import { api } from '../ops-client';
import { ErrorState, Loading } from '../ui/states';

type View = 'stdout' | 'stderr' | 'raw';

/** JSON output pretty-printed; anything else as it came. */
function pretty(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}

function RawOutput({ id }: { id: string }) {
  // Under ['execution', id] so the live refresh of the modal refetches it too.
  const q = useQuery({
    queryKey: ['execution', id, 'raw'],
    queryFn: () => api.getExecutionRaw(id, 'stdout'),
  });
  if (q.isPending) return <Loading what="Loading the raw output" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => void q.refetch()} />;
  return <pre className="ops-pre">{q.data || '(empty)'}</pre>;
}

/** The latest attempt's output: stdout (JSON pretty-printed), stderr, or the raw bytes of stdout. */
export function ExecutionOutput({ detail: d }: { detail: ExecutionDetail }) {
  const [view, setView] = useState<View>('stdout');
  const out = d.output;
  return (
    <section className="stack" aria-labelledby="ops-output-h">
      <div className="row between">
        <h3 id="ops-output-h">Output</h3>
        <span className="muted">
          exit code <strong className="mono">{d.exit_code ?? '—'}</strong>
          {out?.truncated && ' · truncated at the agent’s output cap'}
        </span>
      </div>
      {d.error && (
        <p className="error-text">
          {d.error.message} <span className="mono">({d.error.code})</span>
        </p>
      )}
      {!out ? (
        <p className="muted">No output yet: the execution has not been dispatched.</p>
      ) : (
        <>
          <div className="subtabs" role="tablist" aria-label="Output view">
            {(['stdout', 'stderr', 'raw'] as const).map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={view === v}
                aria-controls="ops-output-panel"
                onClick={() => setView(v)}
              >
                {v}
                {v !== 'raw' && ` (${out[v].length.toLocaleString()} B)`}
              </button>
            ))}
            <a
              className="ops-raw-link"
              href={`/ops/api/executions/${encodeURIComponent(d.id)}/raw`}
              target="_blank"
              rel="noreferrer"
            >
              open raw ↗
            </a>
          </div>
          <div id="ops-output-panel" role="tabpanel" data-testid="execution-output">
            {view === 'raw' ? (
              <RawOutput id={d.id} />
            ) : (
              <pre className="ops-pre">{out[view] ? pretty(out[view]) : '(empty)'}</pre>
            )}
          </div>
        </>
      )}
    </section>
  );
}
