import { useId, useState, type ReactNode } from 'react';
import type { z } from 'zod';

/**
 * A set of short strings as removable chips, with a text box that adds one (Enter or the Add
 * button). Each entry is checked against `entry` before it is added; the list stays sorted and
 * each entry appears once, as the server stores it.
 */
export function ListInput({
  id,
  label,
  hint,
  values,
  onChange,
  entry,
  suggestions = [],
  error,
  placeholder,
  renderChip,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  values: string[];
  onChange: (values: string[]) => void;
  entry: z.ZodType<string>;
  suggestions?: string[];
  error?: string | undefined;
  placeholder?: string;
  renderChip?: (value: string) => ReactNode;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const listId = useId();
  const add = () => {
    const value = text.trim();
    if (!value) return;
    const parsed = entry.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const text =
        issue?.code === 'invalid_format' ? `use ${issue.message}` : (issue?.message ?? 'not allowed');
      setProblem(`“${value}”: ${text}.`);
      return;
    }
    setProblem(null);
    setText('');
    if (!values.includes(parsed.data)) onChange([...values, parsed.data].sort());
  };
  const shown = problem ?? error;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && <div className="muted field-hint">{hint}</div>}
      {values.length > 0 && (
        <ul className="chips" aria-label={`${label}: chosen`}>
          {values.map((v) => (
            <li key={v} className="chip">
              {renderChip ? renderChip(v) : <span className="mono">{v}</span>}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${v}`}
                onClick={() => onChange(values.filter((x) => x !== v))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <input
          id={id}
          value={text}
          placeholder={placeholder}
          list={suggestions.length ? listId : undefined}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? `${id}-error` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ',') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="btn" onClick={add} disabled={!text.trim()}>
          Add
        </button>
        {suggestions.length > 0 && (
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        )}
      </div>
      {shown && (
        <p className="error-text" id={`${id}-error`} role="alert">
          {shown}
        </p>
      )}
    </div>
  );
}
