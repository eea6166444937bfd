import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decide,
  expireStage,
  invoke,
  level,
  parseApproval,
  person,
  riskyAgent,
  setPolicy,
  showApproval,
  type Person,
} from '../../test/approval-fixtures';
import { adminKey, executionRow } from '../../test/execution-fixtures';
import { expectError, createTestApp, seedProject, seedApiKey, type TestApp } from '../../test/test-app';
import { dispatchPass } from '../executions/dispatch-pass';
import { sweepDueApprovals, sweepMismatched } from './approval-sweeper';

let t: TestApp;
let admin: string;
let owner: Person;
let member: Person;

beforeAll(async () => {
  t = await createTestApp();
  admin = await adminKey(t);
  owner = await person(t, 'owner');
  member = await person(t, 'member');
  await riskyAgent(t);
});
afterAll(() => t.close());

const events = async (type: string, id: string) =>
  (await t.deps.db.selectFrom('events').select('payload').where('type', '=', type).execute())
    .map((r) => r.payload as { id: string })
    .filter((p) => p.id === id);

describe('the default policy', () => {
  it('runs read tools at once and holds destructive and irreversible ones for approval', async () => {
    const read = await invoke(t, member.key, 'peek');
    expect(read.status).toBe('queued');
    expect(read.approval_id).toBeNull();
    for (const [tool, risk] of [
      ['drain_node', 'destructive'],
      ['drop_db', 'irreversible'],
    ] as const) {
      const e = await invoke(t, member.key, tool);
      expect(e.status).toBe('pending_approval');
      const a = await showApproval(t, member.key, e.approval_id!);
      expect(a).toMatchObject({
        execution_id: e.id,
        tool,
        risk,
        status: 'pending',
        stage_index: 0,
        stage_count: 1,
        required_approvals: 1,
        approvers: ['role:owner', `delegates:${risk}`],
        on_timeout: risk === 'destructive' ? 'escalate' : 'reject',
        self_approval: risk === 'destructive' ? 'allowed' : 'forbidden',
        policy_version: 0,
        requested_by: { user_id: member.user.id, source: 'api' },
      });
      expect(a.viewer).toEqual({ can_decide: false, reason: expect.stringContaining('project owners') });
      const deadline = new Date(a.stage_deadline_at).getTime() - new Date(a.created_at).getTime();
      expect(Math.round(deadline / 1000)).toBe(risk === 'destructive' ? 900 : 3600);
      expect(await events('approval.requested', a.id)).toHaveLength(1);
    }
  });

  it('an owner approves: the execution is queued at once with the note stored; a reject ends it', async () => {
    const e = await invoke(t, member.key, 'drain_node', { node: 'n1' });
    const res = await decide(t, owner.key, e.approval_id!, 'approve', { note: 'maintenance window' });
    expect(res.statusCode, res.body).toBe(200);
    const a = parseApproval(res.json());
    expect(a).toMatchObject({ status: 'approved', decision: 'approved', note: 'maintenance window' });
    expect(a.decided_by).toEqual({ user_id: owner.user.id, email: owner.user.email, via: 'api' });
    expect((await executionRow(t, e.id)).status).toBe('queued');
    expect(await events('approval.decided', a.id)).toHaveLength(1);

    const r = await invoke(t, member.key, 'drain_node', { node: 'n2' });
    const rej = await decide(t, owner.key, r.approval_id!, 'reject', { reason: 'not today' });
    expect(parseApproval(rej.json())).toMatchObject({
      status: 'rejected',
      decision: 'rejected',
      reason: 'not today',
    });
    expect((await executionRow(t, r.id)).status).toBe('rejected');
    const again = await decide(t, owner.key, r.approval_id!, 'approve');
    expectError(again, 409, 'approval_already_decided');
  });

  it('a member needs a delegation for the tier; refusals are 403 approver_not_authorized and audited', async () => {
    const e = await invoke(t, owner.key, 'drain_node');
    const refused = await decide(t, member.key, e.approval_id!, 'approve');
    const body = expectError(refused, 403, 'approver_not_authorized');
    expect(body.error.message).toContain('members delegated for destructive');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('target_id', '=', e.approval_id!)
      .execute();
    expect(audit).toContainEqual({ action: 'approval.approve', outcome: 'denied' });

    const grant = await t.deps.db
      .insertInto('delegations')
      .values({
        id: 'dlg_test1',
        project_id: t.projectId,
        user_id: member.user.id,
        tier: 'irreversible',
        granted_by: owner.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // An irreversible delegation also covers destructive.
    const ok = await decide(t, member.key, e.approval_id!, 'approve');
    expect(ok.statusCode, ok.body).toBe(200);
    await t.deps.db
      .updateTable('delegations')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', grant.id)
      .execute();
    const e2 = await invoke(t, owner.key, 'drain_node');
    expectError(await decide(t, member.key, e2.approval_id!, 'approve'), 403, 'approver_not_authorized');
  });
});

describe('irreversible tools', () => {
  it('forbid self-approval by default, through the requester session or key, saying who can', async () => {
    const e = await invoke(t, owner.key, 'drop_db');
    const view = await showApproval(t, owner.key, e.approval_id!);
    expect(view.viewer.can_decide).toBe(false);
    expect(view.viewer.reason).toMatch(/separation of duties/);
    const { key: secondKey } = await seedApiKey(t, t.projectId, owner.user.id, ['execution']);
    for (const k of [owner.key, secondKey]) {
      const res = await decide(t, k, e.approval_id!, 'approve', { confirm: 'drop_db' });
      expect(expectError(res, 403, 'approver_not_authorized').error.message).toMatch(
        /separation of duties.*project owners/,
      );
    }
    const other = await decide(t, admin, e.approval_id!, 'approve', { confirm: 'drop_db' });
    expect(other.statusCode, other.body).toBe(200);
  });

  it('need the exact tool name typed as confirmation', async () => {
    const e = await invoke(t, member.key, 'drop_db');
    const wrong = [
      undefined,
      'DROP_DB',
      'drop_db ',
      ' drop_db',
      'drop_db\n',
      '\u200bdrop_db',
      'drop_\u200bdb',
      'drоp_db', // Cyrillic о
      'ｄｒｏｐ_ｄｂ', // full-width, equal under NFKC
      'drop-db',
    ];
    for (const confirm of wrong) {
      const res = await decide(
        t,
        owner.key,
        e.approval_id!,
        'approve',
        confirm === undefined ? {} : { confirm },
      );
      const body = expectError(res, 422, 'approval_confirm_mismatch');
      expect(body.error.param).toBe('confirm');
    }
    expect((await showApproval(t, owner.key, e.approval_id!)).status).toBe('pending');
    const ok = await decide(t, owner.key, e.approval_id!, 'approve', { confirm: 'drop_db' });
    expect(ok.statusCode, ok.body).toBe(200);
    // A rejection needs no confirmation.
    const r = await invoke(t, member.key, 'drop_db');
    expect((await decide(t, owner.key, r.approval_id!, 'reject')).statusCode).toBe(200);
  });

  it('are rejected when their stage times out (on_timeout reject)', async () => {
    const e = await invoke(t, member.key, 'drop_db');
    await expireStage(t, e.approval_id!);
    expect(await sweepDueApprovals(t.deps.db, null)).toBeGreaterThanOrEqual(1);
    const a = await showApproval(t, owner.key, e.approval_id!);
    expect(a).toMatchObject({ status: 'timed_out', decision: null, decided_by: { via: 'system' } });
    expect((await executionRow(t, e.id)).status).toBe('rejected');
    expect(await events('approval.timed_out', a.id)).toHaveLength(1);
  });
});

describe('escalation chains', () => {
  it('two stages, 2 of 2 then 1 of owners: votes count distinct people, timeouts escalate, the last one rejects', async () => {
    const a1 = await person(t, 'member');
    const a2 = await person(t, 'member');
    await setPolicy(t, {
      destructive: level({
        escalation: [
          { approvers: [a1.user.id, a2.user.id], required_approvals: 2, timeout_seconds: 60 },
          { approvers: ['role:owner'], required_approvals: 1, timeout_seconds: 120 },
        ],
      }),
    });
    const e = await invoke(t, member.key, 'drain_node');
    let a = await showApproval(t, a1.key, e.approval_id!);
    expect(a).toMatchObject({ stage_count: 2, required_approvals: 2, policy_version: 1 });
    const v1 = parseApproval((await decide(t, a1.key, a.id, 'approve')).json());
    expect(v1).toMatchObject({ status: 'pending', approvals_so_far: 1 });
    expectError(await decide(t, a1.key, a.id, 'approve'), 409, 'conflict');
    const v2 = parseApproval((await decide(t, a2.key, a.id, 'approve')).json());
    expect(v2).toMatchObject({ status: 'approved', approvals_so_far: 2 });
    expect(v2.votes.map((v) => v.user_id)).toEqual([a1.user.id, a2.user.id]);

    const e2 = await invoke(t, member.key, 'drain_node');
    await expireStage(t, e2.approval_id!);
    await sweepDueApprovals(t.deps.db, null);
    a = await showApproval(t, owner.key, e2.approval_id!);
    expect(a).toMatchObject({
      status: 'pending',
      stage_index: 1,
      approvers: ['role:owner'],
      required_approvals: 1,
    });
    const esc = await events('approval.escalated', a.id);
    expect(esc).toHaveLength(1);
    expect(esc[0]).toMatchObject({ stage_index: 1, from_stage_index: 0 });
    // Stage 0's approvers are no longer asked.
    expectError(await decide(t, a1.key, a.id, 'approve'), 403, 'approver_not_authorized');
    await expireStage(t, a.id);
    await sweepDueApprovals(t.deps.db, null);
    expect((await showApproval(t, owner.key, a.id)).status).toBe('timed_out');
    expect((await executionRow(t, e2.id)).status).toBe('rejected');
    await setPolicy(t, {});
  });
});

describe('exactly one decision', () => {
  it('approve, reject and the timeout sweeper racing: one wins, the others get 409, over many trials', async () => {
    const other = await person(t, 'owner');
    for (let trial = 0; trial < 15; trial++) {
      const e = await invoke(t, member.key, 'drain_node', { trial });
      await expireStage(t, e.approval_id!);
      const [ap, rj, sw] = await Promise.allSettled([
        decide(t, owner.key, e.approval_id!, 'approve'),
        decide(t, other.key, e.approval_id!, 'reject'),
        sweepDueApprovals(t.deps.db, null),
      ]);
      const final = await showApproval(t, owner.key, e.approval_id!);
      const codes = [ap, rj].map((r) => (r.status === 'fulfilled' ? r.value.statusCode : 500));
      expect(sw.status).toBe('fulfilled');
      const winners = codes.filter((c) => c === 200).length;
      expect(['approved', 'rejected', 'timed_out']).toContain(final.status);
      expect(winners).toBe(final.status === 'timed_out' ? 0 : 1);
      for (const c of codes) expect([200, 409]).toContain(c);
      const decided = await t.deps.db
        .selectFrom('events')
        .select('type')
        .where('type', 'in', ['approval.decided', 'approval.timed_out'])
        .where(sql<string>`payload->>'id'`, '=', e.approval_id!)
        .execute();
      expect(decided).toHaveLength(1);
      const exec = await executionRow(t, e.id);
      expect(exec.status).toBe(final.status === 'approved' ? 'queued' : 'rejected');
    }
  });
});

describe('binding and cancellation', () => {
  it('a changed action invalidates the approval, before the decision and before dispatch', async () => {
    const e = await invoke(t, member.key, 'drain_node', { node: 'a' });
    await t.deps.db
      .updateTable('executions')
      .set({ args: JSON.stringify({ node: 'b' }) })
      .where('id', '=', e.id)
      .execute();
    expectError(await decide(t, owner.key, e.approval_id!, 'approve'), 409, 'approval_invalidated');
    expect((await showApproval(t, owner.key, e.approval_id!)).status).toBe('invalidated');
    expect((await executionRow(t, e.id)).status).toBe('rejected');

    // Approved, then tampered with while queued: never dispatched, rejected by the sweeper.
    const f = await invoke(t, member.key, 'drain_node', { node: 'c' });
    expect((await decide(t, owner.key, f.approval_id!, 'approve')).statusCode).toBe(200);
    await t.deps.db
      .updateTable('executions')
      .set({ args: JSON.stringify({ node: 'd' }) })
      .where('id', '=', f.id)
      .execute();
    await dispatchPass(t.deps);
    expect((await executionRow(t, f.id)).status).toBe('queued');
    expect(await sweepMismatched(t.deps.db)).toBe(1);
    expect((await executionRow(t, f.id)).status).toBe('rejected');
    expect((await showApproval(t, owner.key, f.approval_id!)).status).toBe('invalidated');

    // A policy change while pending invalidates too.
    const g = await invoke(t, member.key, 'drain_node', { node: 'e' });
    await setPolicy(t, {});
    expectError(await decide(t, owner.key, g.approval_id!, 'approve'), 409, 'approval_invalidated');
  });

  it('an approved execution is dispatched; cancelling a pending one cancels its approval', async () => {
    const e = await invoke(t, member.key, 'drain_node', { node: 'x' });
    await decide(t, owner.key, e.approval_id!, 'approve');
    await dispatchPass(t.deps);
    expect((await executionRow(t, e.id)).status).toBe('dispatched');

    const c = await invoke(t, member.key, 'drain_node', { node: 'y' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions/${c.id}/cancel`,
      headers: { authorization: `Bearer ${member.key}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await showApproval(t, owner.key, c.approval_id!)).status).toBe('cancelled');
    expect(await events('approval.cancelled', c.approval_id!)).toHaveLength(1);
  });

  it('approvals of another project are 404', async () => {
    const other = await seedProject(t);
    const { key } = await seedApiKey(t, other.id, other.owner.id);
    const e = await invoke(t, member.key, 'drain_node');
    const res = await t.app.inject({
      method: 'POST',
      url: `/${other.id}/v1/exec/approvals/${e.approval_id}/approve`,
      headers: { authorization: `Bearer ${key}` },
      payload: {},
    });
    expectError(res, 404, 'not_found');
  });
});
