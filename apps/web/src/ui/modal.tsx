import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal <dialog> (focus trapped by the browser, Esc closes). Its open state lives in the URL
 * of the page that shows it, so `onClose` should navigate away from that URL.
 */
export function Modal({
  title,
  onClose,
  children,
  wide,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Unique per dialog: a confirmation opened inside another modal keeps its own accessible name.
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal wide' : 'modal'}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      aria-labelledby={titleId}
    >
      <header className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button className="btn ghost" type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}
