import { useState, type ReactNode } from 'react';
import { Modal } from './modal';
import { errorText } from './states';

/**
 * A button that asks before it acts: the dialog names the consequence, and shows the server's
 * error if the action fails.
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  disabled,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        className={danger ? 'btn danger' : 'btn'}
        type="button"
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      {open && (
        <Modal title={title} onClose={() => !busy && setOpen(false)}>
          <div className="stack">
            {children}
            {error && (
              <p className="error-text" role="alert">
                {error}
              </p>
            )}
            <div className="row end">
              <button className="btn" type="button" onClick={() => setOpen(false)} disabled={busy}>
                Cancel
              </button>
              <button
                className={danger ? 'btn danger' : 'btn primary'}
                type="button"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  setError(null);
                  try {
                    await onConfirm();
                    setOpen(false);
                  } catch (err) {
                    setError(errorText(err));
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {confirmLabel ?? label}
              </button>
            </div>
          </div>
        </Modal>
      )}
    </>
  );
}
