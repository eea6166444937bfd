import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Approval } from '@xem/protocol';
import { decide, invoke, person, riskyAgent, type Person } from '../../test/approval-fixtures';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let base: string;
let owner: Person;
let member: Person;
const open: TestStream[] = [];

beforeAll(async () => {
  t = await createTestApp();
  base = await listenApp(t);
  owner = await person(t, 'owner');
  member = await person(t, 'member');
  await riskyAgent(t);
});
afterAll(async () => {
  for (const s of open) s.close();
  await t.close();
});

async function connected(s: TestStream): Promise<TestStream> {
  open.push(s);
  await s.waitFor((f) => f.event?.endsWith('.connection.connected') ?? false, 'connected');
  return s;
}

describe('approvals on the streams', () => {
  it('requested and decided reach /ops/stream (full row, then {id}) and the public approvals stream', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const ops = await connected(await openStream(`${base}/ops/stream`, { cookie: admin.cookie }));
    const pub = await connected(
      await openStream(
        `${base}/${t.projectId}/v1/exec/approvals/stream?risk=irreversible`,
        bearer(member.key),
      ),
    );
    const e = await invoke(t, member.key, 'drop_db', { db: 'orders' });
    const res = await decide(t, owner.key, e.approval_id!, 'approve', {
      confirm: 'drop_db',
      note: 'backup verified',
    });
    expect(res.statusCode, res.body).toBe(200);

    const requested = await ops.waitFor((f) => f.event === 'ox.approval.requested', 'ox requested');
    expect(Approval.parse(requested.data)).toMatchObject({
      id: e.approval_id,
      tool: 'drop_db',
      args: { db: 'orders' },
    });
    const decided = await ops.waitFor((f) => f.event === 'ox.approval.decided', 'ox decided');
    expect(decided.data).toEqual({ id: e.approval_id });
    await ops.waitFor(
      (f) => f.event === 'ox.execution.queued' && (f.data as { id: string }).id === e.id,
      'queued',
    );

    const pd = await pub.waitFor((f) => f.event === 'x_exec.approval.decided', 'x_exec decided');
    expect(Approval.parse(pd.data)).toMatchObject({ status: 'approved', note: 'backup verified' });
    expect(pub.facts().map((f) => f.event)).toEqual(['x_exec.approval.requested', 'x_exec.approval.decided']);

    // A destructive one does not pass the risk filter.
    await invoke(t, member.key, 'drain_node');
    await ops.waitFor(
      (f) => f.event === 'ox.approval.requested' && (f.data as { tool: string }).tool === 'drain_node',
      'second',
    );
    expect(pub.facts()).toHaveLength(2);
  });

  it('a requester holding a delegation still cannot approve their own irreversible request', async () => {
    await t.deps.db
      .insertInto('delegations')
      .values({
        id: 'dlg_self',
        project_id: t.projectId,
        user_id: member.user.id,
        tier: 'irreversible',
        granted_by: owner.user.id,
      })
      .execute();
    const e = await invoke(t, member.key, 'drop_db');
    const res = await decide(t, member.key, e.approval_id!, 'approve', { confirm: 'drop_db' });
    expect(expectError(res, 403, 'approver_not_authorized').error.message).toMatch(/separation of duties/);
    // Nor from the dashboard session.
    const b = await login(t.app, member.user.email, member.user.password);
    const viaSession = await opsRequest(t.app, b, 'POST', `/ops/api/approvals/${e.approval_id}/approve`, {
      confirm: 'drop_db',
    });
    expect(expectError(viaSession, 403, 'approver_not_authorized').error.message).toMatch(
      /separation of duties/,
    );
    // The same delegation does let them decide someone else's request.
    const other = await invoke(t, owner.key, 'drop_db');
    expect(
      (await decide(t, member.key, other.approval_id!, 'approve', { confirm: 'drop_db' })).statusCode,
    ).toBe(200);
  });
});
