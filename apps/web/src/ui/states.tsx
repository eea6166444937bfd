import { XemApiError } from '@xem/client';
import type { ReactNode } from 'react';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** An error with the server's message and code, and a retry button when given one. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof XemApiError
      ? `${error.message} (${error.code})`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="state error" role="alert">
      <strong>Could not load this.</strong>
      <div>{message}</div>
      {retry && (
        <button className="btn" type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The message of an action's failure, for inline display. */
export function errorText(error: unknown): string {
  if (error instanceof XemApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
