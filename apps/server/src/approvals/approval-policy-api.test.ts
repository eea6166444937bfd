import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameOf } from '../events/stream-frames';
import { ApprovalPolicy, listOf, type LevelPolicy, type Workspace } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
  seedProject,
  seedUser,
  type Browser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let admin: Browser;
let adminId: string;
let key: string;
let member: SeededUser;
let memberSession: Browser;
let memberKey: string;
let ws: Workspace;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  adminId = admin.userId;
  key = await createKeyAs(t.app, admin, ['management']);
  member = await seedUser(t);
  await seedMembership(t, t.projectId, member.id, 'member');
  memberSession = await login(t.app, member.email, member.password);
  memberKey = (await seedApiKey(t, t.projectId, member.id, ['management'])).key;
  const res = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'prod' });
  expect(res.statusCode, res.body).toBe(201);
  ws = res.json<Workspace>();
});
afterAll(() => t.close());

const policyUrl = (workspaceId = ws.id, projectId = t.projectId) =>
  `/${projectId}/v1/management/workspaces/${workspaceId}/approval-policy`;

/** A level that requires approval from `approvers` in one stage. */
function level(approvers: string[], extra: Partial<LevelPolicy> = {}): LevelPolicy {
  return {
    requires_approval: true,
    timeout_seconds: 600,
    on_timeout: 'reject',
    self_approval: 'forbidden',
    escalation: [{ approvers, required_approvals: 1 }],
    ...extra,
  };
}

async function put(body: unknown, k = key, url = policyUrl()) {
  return t.app.inject({ method: 'PUT', url, headers: bearer(k), payload: body as object });
}

async function putOk(body: unknown): Promise<ApprovalPolicy> {
  const res = await put(body);
  expect(res.statusCode, res.body).toBe(200);
  return ApprovalPolicy.parse(res.json());
}

async function current(url = policyUrl(), k = key): Promise<ApprovalPolicy> {
  const res = await t.app.inject({ method: 'GET', url, headers: bearer(k) });
  expect(res.statusCode, res.body).toBe(200);
  return ApprovalPolicy.parse(res.json());
}

async function history(url = policyUrl(), query = '') {
  const res = await t.app.inject({ method: 'GET', url: `${url}/versions${query}`, headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  return listOf(ApprovalPolicy).parse(res.json());
}

describe('the default policy (version 0)', () => {
  it('applies to a workspace whose policy was never set, for members and owners alike', async () => {
    const p = await current(policyUrl(), memberKey);
    expect(p).toMatchObject({ workspace_id: ws.id, version: 0, updated_at: null, updated_by: null });
    expect(p.levels.read).toMatchObject({ requires_approval: false });
    expect(p.levels.write).toMatchObject({ requires_approval: false });
    expect(p.levels.destructive).toMatchObject({
      requires_approval: true,
      timeout_seconds: 900,
      on_timeout: 'escalate',
      self_approval: 'allowed',
    });
    expect(p.levels.irreversible).toMatchObject({
      requires_approval: true,
      timeout_seconds: 3600,
      on_timeout: 'reject',
      self_approval: 'forbidden',
    });
    expect(p.levels.irreversible.escalation).toEqual([
      { approvers: ['role:owner', 'delegates:irreversible'], required_approvals: 1, timeout_seconds: 3600 },
    ]);
    // The dashboard reads the same thing through its session.
    const ops = await opsRequest(t.app, memberSession, 'GET', `/ops/api/workspaces/${ws.id}/approval-policy`);
    expect(ops.statusCode, ops.body).toBe(200);
    expect(ops.json()).toEqual(p);
  });

  it('has no stored history, and version 0 reads back as the default', async () => {
    expect(await history()).toEqual({ data: [], next_cursor: null });
    const zero = await t.app.inject({
      method: 'GET',
      url: `${policyUrl()}/versions/0`,
      headers: bearer(key),
    });
    expect(zero.statusCode, zero.body).toBe(200);
    expect(zero.json()).toEqual(await current());
  });
});

describe('PUT creates versions', () => {
  let v1: ApprovalPolicy;
  let v2: ApprovalPolicy;

  it('the first PUT is version 1, audited with before/after versions and announced', async () => {
    const destructive = level(['role:owner', `${member.id}`, 'oncall@example.test'], {
      on_timeout: 'escalate',
      self_approval: 'allowed',
      escalation: [
        { approvers: [member.id, 'oncall@example.test'], required_approvals: 2, timeout_seconds: 300 },
        { approvers: ['role:owner', 'delegates:irreversible'], required_approvals: 1 },
      ],
    });
    const res = await put({ levels: { destructive } });
    expect(res.statusCode, res.body).toBe(200);
    v1 = ApprovalPolicy.parse(res.json());
    expect(v1).toMatchObject({ workspace_id: ws.id, version: 1, updated_by: adminId });
    expect(v1.updated_at).not.toBeNull();
    expect(v1.levels.destructive).toEqual(destructive);
    expect(await current()).toEqual(v1);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'target_type', 'target_id', 'outcome', 'before', 'after'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'approval_policy.update',
      target_type: 'workspace',
      target_id: ws.id,
      outcome: 'success',
      before: { version: 0 },
      after: { version: 1, levels: { destructive } },
    });
    const event = await t.deps.db
      .selectFrom('events')
      .select(['id', 'type', 'payload', 'created_at'])
      .where('type', '=', 'workspace.policy_updated')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(event.payload).toEqual(v1);
    // Dashboards see it on /ops/stream; the public streams carry no workspace events.
    const stored = {
      id: event.id,
      projectId: t.projectId,
      type: event.type,
      payload: event.payload as Record<string, unknown>,
      createdAt: event.created_at,
    };
    expect(frameOf('ops', stored)).toContain('event: ox.workspace.policy_updated\n');
    expect(frameOf('approvals', stored)).toBeNull();
  });

  it('a partial PUT replaces only the levels it names and keeps the current value of the others', async () => {
    const irreversible = level(['role:owner'], { timeout_seconds: 7200 });
    v2 = await putOk({ levels: { irreversible } });
    expect(v2.version).toBe(2);
    expect(v2.levels.irreversible).toEqual(irreversible);
    // Kept from version 1, not reset to the default.
    expect(v2.levels.destructive).toEqual(v1.levels.destructive);
    expect(v2.levels.read).toEqual(v1.levels.read);
  });

  it('a PUT that changes nothing stores, audits and announces nothing (repeating a PUT is harmless)', async () => {
    const events = async () =>
      (
        await t.deps.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('type', '=', 'workspace.policy_updated')
          .executeTakeFirstOrThrow()
      ).n;
    const before = await events();
    for (const body of [{ levels: { irreversible: v2.levels.irreversible } }, { levels: {} }]) {
      const res = await put(body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(v2);
      const audit = await t.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(audit).toEqual([]);
    }
    expect(await events()).toBe(before);
    // Neither key order nor leaving a default out (required_approvals: 1) counts as a change.
    const { escalation, ...rest } = v2.levels.irreversible;
    const reordered = { escalation: escalation.map(({ approvers }) => ({ approvers })), ...rest };
    expect((await putOk({ levels: { irreversible: reordered } })).version).toBe(2);
    // Nor does setting a never-set workspace to the default: it stays version 0.
    const fresh = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'fresh' });
    const freshUrl = policyUrl(fresh.json<Workspace>().id);
    const dflt = await current(freshUrl);
    const same = await put({ levels: dflt.levels }, key, freshUrl);
    expect(same.json()).toMatchObject({ version: 0, updated_at: null });
  });

  it('read and write may require approval too', async () => {
    const v3 = await putOk({ levels: { write: level(['role:owner'], { self_approval: 'allowed' }) } });
    expect(v3.version).toBe(3);
    expect(v3.levels.write.requires_approval).toBe(true);
    expect(v3.levels.irreversible).toEqual(v2.levels.irreversible);
  });

  it('lists the history newest first, page by page, and reads any version back', async () => {
    const all = await history();
    expect(all.data.map((p) => p.version)).toEqual([3, 2, 1]);
    expect(all.next_cursor).toBeNull();

    const first = await history(policyUrl(), '?limit=2');
    expect(first.data.map((p) => p.version)).toEqual([3, 2]);
    expect(first.next_cursor).not.toBeNull();
    const rest = await history(policyUrl(), `?limit=2&cursor=${first.next_cursor}`);
    expect(rest.data.map((p) => p.version)).toEqual([1]);
    expect(rest.next_cursor).toBeNull();

    const one = await t.app.inject({ method: 'GET', url: `${policyUrl()}/versions/1`, headers: bearer(key) });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual(v1);
    const ops = await opsRequest(
      t.app,
      admin,
      'GET',
      `/ops/api/workspaces/${ws.id}/approval-policy/versions/2`,
    );
    expect(ops.json()).toEqual(v2);
  });

  it('refuses a version that does not exist (404) and a cursor it did not hand out (400)', async () => {
    const missing = await t.app.inject({
      method: 'GET',
      url: `${policyUrl()}/versions/99`,
      headers: bearer(key),
    });
    expect(expectError(missing, 404, 'not_found').error.message).toContain('version 99');
    for (const cursor of [
      'abc',
      Buffer.from('0').toString('base64url'),
      Buffer.from('x1').toString('base64url'),
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `${policyUrl()}/versions?cursor=${cursor}`,
        headers: bearer(key),
      });
      expect(expectError(res, 400, 'invalid_query').error.param).toBe('cursor');
    }
    const negative = await t.app.inject({
      method: 'GET',
      url: `${policyUrl()}/versions/-1`,
      headers: bearer(key),
    });
    expectError(negative, 400, 'invalid_query');
  });
});

describe('invalid policies are refused with 400 invalid_body naming the field', () => {
  const cases = (): Array<{ what: string; body: unknown; param: string; message: RegExp }> => [
    {
      what: 'on_timeout "approve" (not a value: nobody answering never approves)',
      body: { levels: { destructive: level(['role:owner'], { on_timeout: 'approve' as never }) } },
      param: 'levels.destructive.on_timeout',
      message: /"escalate" or "reject".*not allowed/,
    },
    {
      what: 'a user id that is not a member of the project',
      body: { levels: { destructive: level(['role:owner', 'usr_nobody000000000000']) } },
      param: 'levels.destructive.escalation.0.approvers.1',
      message: /usr_nobody000000000000 is not a member of this project/,
    },
    {
      what: 'delegates:destructive on the irreversible level',
      body: { levels: { irreversible: level(['delegates:destructive']) } },
      param: 'levels.irreversible.escalation.0.approvers.0',
      message: /may not approve irreversible actions; use delegates:irreversible/,
    },
    {
      what: 'delegates on the write level',
      body: { levels: { write: level(['role:owner', 'delegates:irreversible']) } },
      param: 'levels.write.escalation.0.approvers.1',
      message: /only allowed on the destructive and irreversible levels/,
    },
    {
      what: 'a stage timeout over 7 days',
      body: {
        levels: {
          destructive: level([], {
            escalation: [{ approvers: ['role:owner'], required_approvals: 1, timeout_seconds: 604_801 }],
          }),
        },
      },
      param: 'levels.destructive.escalation.0.timeout_seconds',
      message: /at most 604800 seconds \(7 days\)/,
    },
    {
      what: 'a level timeout over 7 days',
      body: { levels: { irreversible: level(['role:owner'], { timeout_seconds: 700_000 }) } },
      param: 'levels.irreversible.timeout_seconds',
      message: /7 days/,
    },
    {
      what: 'more required approvals than distinct listed approvers',
      body: {
        levels: {
          destructive: level([], {
            escalation: [
              { approvers: ['a@example.test', 'A@example.test', 'b@example.test'], required_approvals: 3 },
            ],
          }),
        },
      },
      param: 'levels.destructive.escalation.0.required_approvals',
      message: /asks for 3 approvals from 2 listed approvers/,
    },
    {
      what: 'the same approver twice in a stage',
      body: { levels: { irreversible: level(['role:owner', 'ops@example.test', 'OPS@example.test']) } },
      param: 'levels.irreversible.escalation.0.approvers.2',
      message: /listed twice/,
    },
    {
      what: 'an approver that is none of the accepted forms',
      body: { levels: { destructive: level(['role:admin']) } },
      param: 'levels.destructive.escalation.0.approvers.0',
      message: /user id \(usr_…\), role:owner, delegates:<tier> or an e-mail/,
    },
    {
      what: 'approval required without any stage',
      body: { levels: { read: level([], { escalation: [] }) } },
      param: 'levels.read.escalation',
      message: /at least one stage/,
    },
    {
      what: 'a misspelt level',
      body: { levels: { destrutive: level(['role:owner']) } },
      param: 'levels',
      message: /destrutive/,
    },
    {
      what: 'a misspelt stage field',
      body: {
        levels: {
          destructive: level([], {
            escalation: [{ approvers: ['role:owner'], timeout_second: 60 } as never],
          }),
        },
      },
      param: 'levels.destructive.escalation.0',
      message: /timeout_second/,
    },
  ];

  it.each(cases().map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const before = await current();
    const res = await put(c.body);
    const err = expectError(res, 400, 'invalid_body').error;
    expect(err.param).toBe(c.param);
    expect(err.message).toMatch(c.message);
    expect(await current()).toEqual(before);
  });

  it('accepts what those rules allow: members by id, delegates:irreversible on destructive', async () => {
    const p = await putOk({
      levels: {
        destructive: level([member.id, adminId, 'delegates:destructive', 'delegates:irreversible'], {
          escalation: [
            { approvers: [member.id, adminId], required_approvals: 2 },
            { approvers: ['delegates:destructive', 'delegates:irreversible'], required_approvals: 1 },
          ],
        }),
        irreversible: level(['delegates:irreversible', 'role:owner']),
      },
    });
    expect(p.levels.destructive.escalation[0]!.approvers).toEqual([member.id, adminId]);
  });

  it('refuses a former member once they left the project', async () => {
    const leaver = await seedUser(t);
    await seedMembership(t, t.projectId, leaver.id, 'member');
    await putOk({ levels: { read: level([leaver.id]) } });
    await t.deps.db
      .deleteFrom('memberships')
      .where('project_id', '=', t.projectId)
      .where('user_id', '=', leaver.id)
      .execute();
    const res = await put({ levels: { read: level([leaver.id]) } });
    expect(expectError(res, 400, 'invalid_body').error.param).toBe('levels.read.escalation.0.approvers.0');
  });
});

describe('who may change it', () => {
  it('a member can read but not PUT: 403 owner_required, audited, no version made', async () => {
    const before = await current();
    const body = { levels: { read: level(['role:owner']) } };
    const viaKey = await put(body, memberKey);
    expectError(viaKey, 403, 'owner_required');
    const viaSession = await opsRequest(
      t.app,
      memberSession,
      'PUT',
      `/ops/api/workspaces/${ws.id}/approval-policy`,
      body,
    );
    expectError(viaSession, 403, 'owner_required');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['outcome', 'action'])
      .where('request_id', 'in', [
        String(viaKey.headers['x-request-id']),
        String(viaSession.headers['x-request-id']),
      ])
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.outcome === 'denied')).toBe(true);
    expect(await current()).toEqual(before);
  });

  it('an owner can PUT through the dashboard session too', async () => {
    const before = await current();
    const res = await opsRequest(t.app, admin, 'PUT', `/ops/api/workspaces/${ws.id}/approval-policy`, {
      levels: { read: level(['role:owner']) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: before.version + 1, updated_by: adminId });
  });
});

describe('another project', () => {
  it('its workspaces are 404 on every policy route, with a key or a session, and its policy is untouched', async () => {
    const other = await seedProject(t);
    const otherSession = await login(t.app, other.owner.email, other.owner.password);
    const created = await opsRequest(t.app, otherSession, 'POST', '/ops/api/workspaces', { name: 'theirs' });
    const theirs = created.json<Workspace>().id;
    const otherKey = (await seedApiKey(t, other.id, other.owner.id, ['management'])).key;
    const set = await put({ levels: { read: level(['role:owner']) } }, otherKey, policyUrl(theirs, other.id));
    expect(set.statusCode, set.body).toBe(200);
    const theirPolicy = set.json<ApprovalPolicy>();

    const body = { levels: { read: level(['role:owner'], { timeout_seconds: 60 }) } };
    const viaKey = [
      { method: 'GET' as const, url: policyUrl(theirs) },
      { method: 'PUT' as const, url: policyUrl(theirs), payload: body },
      { method: 'GET' as const, url: `${policyUrl(theirs)}/versions` },
      { method: 'GET' as const, url: `${policyUrl(theirs)}/versions/1` },
      { method: 'GET' as const, url: `${policyUrl(theirs)}/versions/0` },
      { method: 'GET' as const, url: policyUrl('ws_doesnotexist000000') },
    ];
    for (const r of viaKey) {
      const res = await t.app.inject({ ...r, headers: bearer(key) });
      expectError(res, 404, 'not_found');
    }
    for (const r of viaKey) {
      const url = r.url.replace(`/${t.projectId}/v1/management`, '/ops/api');
      expectError(await opsRequest(t.app, admin, r.method, url, r.payload), 404, 'not_found');
    }
    expect(await current(policyUrl(theirs, other.id), otherKey)).toEqual(theirPolicy);
  });
});
