import type { Kysely } from 'kysely';
import type { LevelPolicy, PutApprovalPolicyRequest, Risk } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';

const USER_ID = /^usr_/;

/**
 * Which `delegates:<tier>` approvers a level may name. A delegate for a tier may approve that
 * tier, and an irreversible delegate also destructive actions (the greater authority covers the
 * lesser); read and write levels take no delegates, since delegation exists only for the two
 * approval tiers.
 */
const DELEGATES_ALLOWED: Record<Risk, readonly string[]> = {
  read: [],
  write: [],
  destructive: ['delegates:destructive', 'delegates:irreversible'],
  irreversible: ['delegates:irreversible'],
};

function refuse(param: string, message: string): AppError {
  return new AppError('invalid_body', `${param}: ${message}`, { param });
}

function delegateProblem(level: Risk, approver: string): string | null {
  if (!approver.startsWith('delegates:') || DELEGATES_ALLOWED[level].includes(approver)) return null;
  if (level === 'read' || level === 'write') {
    return `${approver} is only allowed on the destructive and irreversible levels; name users, role:owner or e-mail addresses here`;
  }
  return `${approver} may not approve irreversible actions; use delegates:irreversible`;
}

/**
 * Checks of a policy that its schema cannot make: user-id approvers must be members of the
 * project now, delegates only where their tier allows, and no approver listed twice in a stage.
 * Only the levels given are checked (the kept ones were checked when they were set). The first
 * problem, in document order, is thrown as 400 `invalid_body` naming its path.
 */
export async function validatePolicyLevels(
  db: Kysely<Database>,
  projectId: string,
  levels: PutApprovalPolicyRequest['levels'],
): Promise<void> {
  const given = Object.entries(levels) as Array<[Risk, LevelPolicy]>;
  const userIds = [
    ...new Set(
      given.flatMap(([, l]) => l.escalation.flatMap((s) => s.approvers.filter((a) => USER_ID.test(a)))),
    ),
  ];
  const members =
    userIds.length === 0
      ? new Set<string>()
      : new Set(
          (
            await db
              .selectFrom('memberships')
              .select('user_id')
              .where('project_id', '=', projectId)
              .where('user_id', 'in', userIds)
              .execute()
          ).map((m) => m.user_id),
        );

  for (const [level, policy] of given) {
    for (const [i, stage] of policy.escalation.entries()) {
      const seen = new Set<string>();
      for (const [j, approver] of stage.approvers.entries()) {
        const param = `levels.${level}.escalation.${i}.approvers.${j}`;
        const key = approver.toLowerCase();
        if (seen.has(key)) throw refuse(param, `${approver} is listed twice in this stage`);
        seen.add(key);
        const delegate = delegateProblem(level, approver);
        if (delegate) throw refuse(param, delegate);
        if (USER_ID.test(approver) && !members.has(approver)) {
          throw refuse(
            param,
            `${approver} is not a member of this project; add them first or name someone who is`,
          );
        }
      }
    }
  }
}
