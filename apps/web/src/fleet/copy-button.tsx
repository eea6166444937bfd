import { useState } from 'react';

/** Copies a value to the clipboard and says so; a failure (no permission) says to copy by hand. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      className="btn small"
      type="button"
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
}

/** A secret or command in a monospace block, with its copy button. */
export function CopyBlock({ value, label, copyLabel }: { value: string; label: string; copyLabel?: string }) {
  return (
    <div className="copy-block">
      <div className="row between">
        <span className="muted">{label}</span>
        <CopyButton value={value} label={copyLabel} />
      </div>
      <pre className="secret" aria-label={label}>
        {value}
      </pre>
    </div>
  );
}
