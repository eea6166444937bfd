import { sql } from 'kysely';
import { Approval, ApprovalDetail, Execution, type LevelPolicy, type PolicyLevels } from '@xem/protocol';
import { defaultPolicyLevels } from '../src/approvals/approval-policy';
import { connectedAgent, defaultWorkspace, tool } from './execution-fixtures';
import { bearer, seedApiKey, seedMembership, seedUser, type SeededUser, type TestApp } from './test-app';

export interface Person {
  user: SeededUser;
  key: string;
}

/** A user of the project (owner or member) with an API key of every scope. */
export async function person(t: TestApp, role: 'owner' | 'member'): Promise<Person> {
  const user = await seedUser(t);
  await seedMembership(t, t.projectId, user.id, role);
  const { key } = await seedApiKey(t, t.projectId, user.id);
  return { user, key };
}

/** An online agent offering a read, a destructive and an irreversible tool. */
export async function riskyAgent(t: TestApp): Promise<string> {
  const a = await connectedAgent(t, [], {
    tools: [
      tool('peek'),
      tool('drain_node', { risk: 'destructive' }),
      tool('drop_db', { risk: 'irreversible' }),
    ],
  });
  return a.id;
}

/** Creates an execution through the API as `key`'s owner. */
export async function invoke(
  t: TestApp,
  key: string,
  toolName: string,
  args: object = {},
): Promise<Execution> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/executions`,
    headers: bearer(key),
    payload: { workspace: 'default', tool: toolName, args, queue: true },
  });
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode}: ${res.body}`);
  return Execution.parse(res.json());
}

export function decide(
  t: TestApp,
  key: string,
  approvalId: string,
  decision: 'approve' | 'reject',
  body: object = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/approvals/${approvalId}/${decision}`,
    headers: bearer(key),
    payload: body,
  });
}

export async function showApproval(t: TestApp, key: string, id: string): Promise<ApprovalDetail> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/${t.projectId}/v1/exec/approvals/${id}`,
    headers: bearer(key),
  });
  if (res.statusCode !== 200) throw new Error(`show failed ${res.statusCode}: ${res.body}`);
  return ApprovalDetail.parse(res.json());
}

export const parseApproval = (body: unknown) => Approval.parse(body);

/** Stores a policy version for the default workspace straight in the table (the API is tested apart). */
export async function setPolicy(t: TestApp, levels: Partial<PolicyLevels>): Promise<void> {
  const ws = await defaultWorkspace(t);
  const merged = { ...defaultPolicyLevels(), ...levels };
  await t.deps.db
    .insertInto('approval_policy_versions')
    .values((eb) => ({
      workspace_id: ws,
      project_id: t.projectId,
      version: eb
        .selectFrom('approval_policy_versions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
        .where('workspace_id', '=', ws),
      levels: JSON.stringify(merged),
      created_by: null,
    }))
    .execute();
}

export function level(over: Partial<LevelPolicy>): LevelPolicy {
  return {
    requires_approval: true,
    timeout_seconds: 900,
    on_timeout: 'escalate',
    self_approval: 'allowed',
    escalation: [{ approvers: ['role:owner'], required_approvals: 1 }],
    ...over,
  };
}

/** Moves an approval's current stage deadline into the past (database clock). */
export async function expireStage(t: TestApp, approvalId: string): Promise<void> {
  await t.deps.db
    .updateTable('approvals')
    .set({ stage_deadline_at: sql<Date>`now() - interval '1 second'` })
    .where('id', '=', approvalId)
    .execute();
}
