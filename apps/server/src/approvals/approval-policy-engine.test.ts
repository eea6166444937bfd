import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyLevels } from '@xem/protocol';
import {
  decide,
  invoke,
  level,
  person,
  riskyAgent,
  showApproval,
  type Person,
} from '../../test/approval-fixtures';
import { adminKey, defaultWorkspace } from '../../test/execution-fixtures';
import { bearer, createTestApp, expectError, type TestApp } from '../../test/test-app';

let t: TestApp;
let admin: string;
let owner: Person;
let member: Person;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await adminKey(t);
  owner = await person(t, 'owner');
  member = await person(t, 'member');
  await riskyAgent(t);
  url = `/${t.projectId}/v1/management/workspaces/${await defaultWorkspace(t)}/approval-policy`;
});
afterAll(() => t.close());

async function setPolicy(levels: Partial<PolicyLevels>): Promise<number> {
  const res = await t.app.inject({ method: 'PUT', url, headers: bearer(admin), payload: { levels } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ version: number }>().version;
}

describe('a policy set through the API governs the approvals engine', () => {
  const readByOwner = () =>
    level({ escalation: [{ approvers: [owner.user.id], required_approvals: 1 }], timeout_seconds: 120 });

  it('new executions follow the stored version: a read tool now waits for the listed approver', async () => {
    expect(await setPolicy({ read: readByOwner() })).toBe(1);
    const e = await invoke(t, member.key, 'peek');
    expect(e.status).toBe('pending_approval');
    const a = await showApproval(t, owner.key, e.approval_id!);
    expect(a).toMatchObject({ risk: 'read', policy_version: 1, approvers: [owner.user.id] });
  });

  it('an unchanged PUT leaves a pending approval decidable; a change invalidates it', async () => {
    const kept = await invoke(t, member.key, 'peek');
    expect(await setPolicy({ read: readByOwner() })).toBe(1);
    expect((await decide(t, owner.key, kept.approval_id!, 'approve')).statusCode).toBe(200);
    expect((await showApproval(t, owner.key, kept.approval_id!)).status).toBe('approved');

    const stale = await invoke(t, member.key, 'peek');
    expect(await setPolicy({ read: { ...readByOwner(), timeout_seconds: 60 } })).toBe(2);
    expectError(await decide(t, owner.key, stale.approval_id!, 'approve'), 409, 'approval_invalidated');
  });
});
