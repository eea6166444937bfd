import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, OutboxMessage } from '@xem/protocol';
import { invoke, level, person, riskyAgent, setPolicy, type Person } from '../../test/approval-fixtures';
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
import { newId } from '../ids';

const Page = listOf(OutboxMessage);

let t: TestApp;
let owner: Person;
let member: Person;
let delegate: Person;
let lapsed: Person;

beforeAll(async () => {
  // No SMTP and no link secret: messages stay `unsent` in the outbox, and links are off.
  t = await createTestApp({ XEM_BASE_URL: 'https://ops.example.test' });
  owner = await person(t, 'owner');
  member = await person(t, 'member');
  delegate = await person(t, 'member');
  lapsed = await person(t, 'member');
  await riskyAgent(t);
  const grant = (p: Person, tier: string, over: object = {}) =>
    t.deps.db
      .insertInto('delegations')
      .values({ id: newId('dlg'), project_id: t.projectId, user_id: p.user.id, tier, ...over })
      .execute();
  // An irreversible delegation covers destructive; expired and revoked ones count for nothing.
  await grant(delegate, 'irreversible');
  await grant(lapsed, 'destructive', { expires_at: sql<Date>`now() - interval '1 minute'` });
  await grant(lapsed, 'destructive', { revoked_at: sql<Date>`now()` });
});
afterAll(() => t.close());

const messagesFor = (approvalId: string) =>
  t.deps.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('body', 'like', `%${approvalId}%`)
    .orderBy('to_address')
    .execute();

const readOutbox = (key: string, query = '') =>
  t.app.inject({ method: 'GET', url: `/${t.projectId}/v1/management/outbox${query}`, headers: bearer(key) });

describe('the outbox without SMTP', () => {
  it("notifies the stage's owners and live delegates, as unsent messages with the dashboard URL", async () => {
    const e = await invoke(t, member.key, 'drain_node', { node: 'n7' });
    const rows = await messagesFor(e.approval_id!);
    const owners = await t.deps.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.email')
      .where('m.project_id', '=', t.projectId)
      .where('m.role', '=', 'owner')
      .execute();
    expect(rows.map((r) => r.to_address).sort()).toEqual(
      [...owners.map((o) => o.email), delegate.user.email].sort(),
    );
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'unsent', kind: 'approval.request', attempts: 0 });
      expect(r.subject).toBe('Approval needed: drain_node (destructive) in default');
      expect(r.body).toContain(`https://ops.example.test/ops/approvals/${e.approval_id}`);
      expect(r.body).toContain(`xeroctl approvals approve ${e.approval_id}`);
      expect(r.body).toContain('"node": "n7"');
      expect(r.body).toContain(member.user.email);
    }
    expect(rows.map((r) => r.to_address)).not.toContain(lapsed.user.email);
  });

  it('leaves out the requester when the level forbids self-approval', async () => {
    const e = await invoke(t, owner.key, 'drop_db');
    const to = (await messagesFor(e.approval_id!)).map((r) => r.to_address);
    expect(to).toContain(delegate.user.email);
    expect(to).not.toContain(owner.user.email);
    expect(to).toContain(ADMIN_EMAIL);
    const body = (await messagesFor(e.approval_id!))[0]!.body;
    expect(body).toContain(`--confirm drop_db`);
  });

  it('without the link secret, tells an external reviewer that links are disabled and mints none', async () => {
    await setPolicy(t, {
      destructive: level({ escalation: [{ approvers: ['outsider@elsewhere.test'], required_approvals: 1 }] }),
    });
    const e = await invoke(t, member.key, 'drain_node');
    const [msg] = await messagesFor(e.approval_id!);
    expect(msg).toMatchObject({
      to_address: 'outsider@elsewhere.test',
      status: 'unsent',
      kind: 'approval.request',
    });
    expect(msg!.body).toContain('one-time approval links are disabled');
    expect(msg!.body).not.toContain('/ops/approval/');
    expect(msg!.body).not.toContain('/ops/approvals/');
    const links = await t.deps.db
      .selectFrom('approval_links')
      .selectAll()
      .where('approval_id', '=', e.approval_id!)
      .execute();
    expect(links).toEqual([]);
  });

  it('is readable by owners and admins through the API and /ops, not by members', async () => {
    const res = await readOutbox(owner.key);
    expect(res.statusCode, res.body).toBe(200);
    const page = Page.parse(res.json());
    expect(page.data.length).toBeGreaterThanOrEqual(3);
    expect(page.data.every((m) => m.status === 'unsent')).toBe(true);
    expect(page.data.some((m) => m.text.includes('/ops/approvals/'))).toBe(true);

    expectError(await readOutbox(member.key), 403, 'owner_required');
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const ops = await opsRequest(t.app, admin, 'GET', '/ops/api/outbox?limit=2');
    expect(ops.statusCode, ops.body).toBe(200);
    expect(Page.parse(ops.json()).data).toHaveLength(2);
    const memberSession = await login(t.app, member.user.email, member.user.password);
    expectError(await opsRequest(t.app, memberSession, 'GET', '/ops/api/outbox'), 403, 'owner_required');
  });

  it('pages newest first with a cursor and filters by status', async () => {
    const all = Page.parse((await readOutbox(owner.key, '?limit=500')).json()).data;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = Page.parse((await readOutbox(owner.key, q)).json());
      seen.push(...page.data.map((m) => m.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((m) => m.id));
    expect(Page.parse((await readOutbox(owner.key, '?status=sent,failed')).json()).data).toEqual([]);
    expect(Page.parse((await readOutbox(owner.key, '?status=unsent')).json()).data).toHaveLength(all.length);
    expectError(await readOutbox(owner.key, '?status=lost'), 400, 'invalid_query');
    expectError(await readOutbox(owner.key, '?cursor=bogus'), 400, 'invalid_query');
  });

  it('turns the link page off: /ops/approval/:id answers like a route that does not exist', async () => {
    for (const [method, url] of [
      ['GET', '/ops/approval/apr_whatever?token=abc.def'],
      ['POST', '/ops/approval/apr_whatever'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        ...(method === 'POST' ? { payload: { token: 'a.b', decision: 'approve' } } : {}),
      });
      const body = expectError(res, 404, 'not_found');
      expect(body.error.message).toBe(`no route for ${method} /ops/approval/apr_whatever`);
    }
  });
});
