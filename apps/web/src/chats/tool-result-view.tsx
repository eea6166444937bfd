import { z } from 'zod';
import { StatusBadge } from '../ui/status-badge';

/**
 * A tool message's content as the server writes it (JSON for the model and for people): a
 * settled execution's status, exit code, stdout, stderr and error, or a refusal before it ran.
 */
const ToolResult = z.object({
  status: z.string(),
  exit_code: z.number().nullable().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
});

/** The result of one call: its status and output laid out, or the content as it is. */
export function ToolResultView({ content, label }: { content: string; label: string }) {
  let parsed: z.infer<typeof ToolResult> | null = null;
  try {
    const r = ToolResult.safeParse(JSON.parse(content));
    if (r.success) parsed = r.data;
  } catch {
    // not JSON: shown as it is
  }
  if (!parsed)
    return (
      <pre className="chat-tool-output" aria-label={label}>
        {content}
      </pre>
    );
  return (
    <div className="stack chat-tool-result" aria-label={label}>
      <div className="row">
        <StatusBadge value={parsed.status} />
        {parsed.exit_code !== null && parsed.exit_code !== undefined && (
          <span className="muted">exit code {parsed.exit_code}</span>
        )}
        {parsed.error && (
          <span className="error-text">
            {parsed.error.message} <span className="muted">({parsed.error.code})</span>
          </span>
        )}
      </div>
      {parsed.stdout ? (
        <pre className="chat-tool-output" data-testid="tool-stdout">
          {parsed.stdout}
        </pre>
      ) : (
        !parsed.error && <span className="muted">no output</span>
      )}
      {parsed.stderr && (
        <pre className="chat-tool-output stderr" aria-label="stderr">
          {parsed.stderr}
        </pre>
      )}
    </div>
  );
}
