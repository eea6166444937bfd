import type { Kysely } from 'kysely';
import { PolicyLevels, type LevelPolicy, type Risk } from '@xem/protocol';
import type { Database } from '../db/schema';

/** Who decides by default at a tier: the project owners and the members delegated for it. */
function defaultStage(tier: 'destructive' | 'irreversible', timeoutSeconds: number) {
  return {
    approvers: ['role:owner', `delegates:${tier}`],
    required_approvals: 1,
    timeout_seconds: timeoutSeconds,
  };
}

/**
 * The built-in policy (version 0): read and write run at once; destructive waits 900 s per stage
 * and escalates, irreversible waits 3600 s and is rejected on timeout, and only irreversible
 * forbids approving one's own request.
 */
export function defaultPolicyLevels(): PolicyLevels {
  const none = (): LevelPolicy => ({
    requires_approval: false,
    timeout_seconds: 900,
    on_timeout: 'escalate',
    self_approval: 'allowed',
    escalation: [],
  });
  return {
    read: none(),
    write: none(),
    destructive: {
      requires_approval: true,
      timeout_seconds: 900,
      on_timeout: 'escalate',
      self_approval: 'allowed',
      escalation: [defaultStage('destructive', 900)],
    },
    irreversible: {
      requires_approval: true,
      timeout_seconds: 3600,
      on_timeout: 'reject',
      self_approval: 'forbidden',
      escalation: [defaultStage('irreversible', 3600)],
    },
  };
}

export interface EffectivePolicy {
  version: number;
  levels: PolicyLevels;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The workspace's current policy: its latest stored version, or the default (version 0). */
export async function effectivePolicy(db: Kysely<Database>, workspaceId: string): Promise<EffectivePolicy> {
  const row = await db
    .selectFrom('approval_policy_versions')
    .select(['version', 'levels', 'created_at', 'created_by'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { version: 0, levels: defaultPolicyLevels(), updatedAt: null, updatedBy: null };
  return {
    version: row.version,
    levels: PolicyLevels.parse(row.levels),
    updatedAt: row.created_at,
    updatedBy: row.created_by,
  };
}

/** The level policy that applies to a tool of `risk`. */
export function levelFor(levels: PolicyLevels, risk: Risk): LevelPolicy {
  return levels[risk];
}
