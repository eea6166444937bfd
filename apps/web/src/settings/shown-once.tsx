import { CopyBlock } from '../fleet/copy-button';
import { Modal } from '../ui/modal';

/** A secret the server returns once (`secret`), or — after a reload — why it is gone. */
export function ShownOnceDialog({
  title,
  label,
  secret,
  gone,
  children,
  onClose,
}: {
  title: string;
  label: string;
  secret: string | null;
  gone: string;
  children?: React.ReactNode;
  onClose: () => void;
}) {
  return (
    <Modal title={title} onClose={onClose} wide={secret !== null}>
      <div className="stack">
        {secret !== null ? (
          <>
            <p className="notice" role="status">
              Copy it now: <strong>it will not be shown again.</strong>
            </p>
            <CopyBlock label={label} value={secret} />
          </>
        ) : (
          <p>{gone}</p>
        )}
        {children}
        <div className="row end">
          <button className="btn primary" type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
}
