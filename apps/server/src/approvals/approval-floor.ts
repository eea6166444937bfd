import type { LevelPolicy, Risk } from '@xem/protocol';

const ORDER: readonly Risk[] = ['read', 'write', 'destructive', 'irreversible'];

/**
 * A level policy with approval required from risk `floor` up (a chat template's `elevated`:
 * from `write`; `restricted`: every risk). A level that already requires approval is kept as
 * it is; one that did not gets the level's timeout and self-approval rule with one stage of the
 * project owners, rejected when it times out.
 */
export function withApprovalFloor(level: LevelPolicy, risk: Risk, floor: Risk | null): LevelPolicy {
  if (floor === null || level.requires_approval || ORDER.indexOf(risk) < ORDER.indexOf(floor)) return level;
  if (level.escalation.length > 0) return { ...level, requires_approval: true };
  return {
    ...level,
    requires_approval: true,
    on_timeout: 'reject',
    escalation: [
      { approvers: ['role:owner'], required_approvals: 1, timeout_seconds: level.timeout_seconds },
    ],
  };
}
