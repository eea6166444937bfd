import { ago, when } from './format';
import { useNow } from './use-now';

/** A ticking relative time with the exact time as its tooltip. */
export function TimeAgo({ at }: { at: string | null | undefined }) {
  const now = useNow();
  if (!at) return <span className="muted">—</span>;
  return (
    <time dateTime={at} title={when(at)}>
      {ago(at, now)}
    </time>
  );
}
