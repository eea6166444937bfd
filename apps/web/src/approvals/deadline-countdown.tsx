import type { Approval } from '@xem/protocol';
import { span, when } from '../ui/format';
import { useNow } from '../ui/use-now';

/**
 * Time left in the approval's current stage, ticking each second, and what happens at the end
 * (the level's on_timeout: escalate to the next stage, or reject). Past the deadline the
 * sweeper acts within its poll interval; until its event arrives the row says "due".
 */
export function DeadlineCountdown({ approval }: { approval: Approval }) {
  const now = useNow();
  const left = Math.floor((Date.parse(approval.stage_deadline_at) - now) / 1000);
  const last = approval.stage_index + 1 >= approval.stage_count;
  const then =
    approval.on_timeout === 'escalate' && !last
      ? 'then escalates to the next stage'
      : 'then times out (rejected)';
  const tone = left <= 0 ? 'bad' : left < 120 ? 'warn' : '';
  return (
    <span className={`deadline ${tone}`} title={`${when(approval.stage_deadline_at)}, ${then}`}>
      <time dateTime={approval.stage_deadline_at}>{left > 0 ? `${span(left)} left` : 'due now'}</time>
      <span className="muted"> · {then}</span>
    </span>
  );
}
