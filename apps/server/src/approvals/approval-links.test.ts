import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Approval, ErrorEnvelope } from '@xem/protocol';
import {
  expireStage,
  invoke,
  level,
  person,
  riskyAgent,
  setPolicy,
  type Person,
} from '../../test/approval-fixtures';
import { executionRow } from '../../test/execution-fixtures';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink';
import { createTestApp, type TestApp } from '../../test/test-app';
import { startMailer } from '../mail/start-mailer';
import { sweepDueApprovals } from './approval-sweeper';
import { LINK_INVALID_MESSAGE } from './decide-approval';
import { mintLinkToken, signLinkToken, type LinkClaims } from './link-token';
import { notifySettingsOf, notifyStage } from './notify-stage';

const SECRET = 'approval-link-secret-for-tests-only-0123456789';
const BASE = 'https://xem.example.test';

let sink: SmtpSink;
let t: TestApp;
let requester: Person;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({
    XEROTIER_APPROVAL_LINK_SECRET: SECRET,
    XEM_SMTP_URL: sink.url,
    XEM_BASE_URL: BASE,
  });
  await person(t, 'owner');
  requester = await person(t, 'member');
  await riskyAgent(t);
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

interface Link {
  url: URL;
  token: string;
  /** Path and query, as a browser requests it. */
  path: string;
}

/** The newest one-time link e-mailed to `email` for `approvalId` (read from the outbox). */
async function linkFor(approvalId: string, email: string): Promise<Link> {
  const rows = await t.deps.db
    .selectFrom('outbox_messages')
    .select(['body', 'kind'])
    .where('to_address', '=', email.toLowerCase())
    .where('kind', '=', 'approval.link')
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) {
    const m = /https:\/\/xem\.example\.test\/ops\/approval\/(\S+)/.exec(r.body);
    if (m && m[1]!.startsWith(`${approvalId}?`)) {
      const url = new URL(m[0]);
      return { url, token: url.searchParams.get('token')!, path: `${url.pathname}${url.search}` };
    }
  }
  throw new Error(`no link for ${email} on ${approvalId}`);
}

/** A fresh execution of `tool` by the requester, held for approval under `policy` for its level. */
async function pending(tool: 'drain_node' | 'drop_db', policy: ReturnType<typeof level>) {
  await setPolicy(t, tool === 'drain_node' ? { destructive: policy } : { irreversible: policy });
  const e = await invoke(t, requester.key, tool, { target: 'db-1' });
  expect(e.status).toBe('pending_approval');
  return { executionId: e.id, approvalId: e.approval_id! };
}

const external = (approvers: string[], over: Parameters<typeof level>[0] = {}) =>
  level({ escalation: [{ approvers, required_approvals: 1 }], ...over });

function postJson(approvalId: string, body: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: `/ops/approval/${approvalId}`, payload: body });
}

function postForm(approvalId: string, form: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: `/ops/approval/${approvalId}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

const getPage = (path: string) => t.app.inject({ method: 'GET', url: path });

/** Everything a link could change, to compare before and after. */
async function snapshot(approvalId: string) {
  const db = t.deps.db;
  return {
    approval: await db.selectFrom('approvals').selectAll().where('id', '=', approvalId).executeTakeFirst(),
    links: await db
      .selectFrom('approval_links')
      .selectAll()
      .where('approval_id', '=', approvalId)
      .orderBy('jti')
      .execute(),
    votes: await db.selectFrom('approval_votes').selectAll().where('approval_id', '=', approvalId).execute(),
    executions: await db.selectFrom('executions').select(['id', 'status']).orderBy('id').execute(),
    audit: await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
    events: await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
    outbox: await db
      .selectFrom('outbox_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
  };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as LinkClaims;

describe('one-time approval links', () => {
  it('an external reviewer gets an e-mail whose link shows the request and approves it', async () => {
    const { approvalId, executionId } = await pending('drain_node', external(['Reviewer@Outside.test']));
    const queued = await t.deps.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('to_address', '=', 'reviewer@outside.test')
      .execute();
    expect(queued).toMatchObject([{ kind: 'approval.link', status: 'pending' }]);

    sink.received.length = 0;
    const stop = startMailer(t.deps.db, t.deps.config.smtp!, 20);
    let mailText: string;
    try {
      const [mail] = await sink.waitFor(1);
      expect(mail!.to).toEqual(['reviewer@outside.test']);
      expect(mail!.subject).toBe('Approval needed: drain_node (destructive) in default');
      mailText = mail!.text;
    } finally {
      await stop();
    }
    const url = /(https:\/\/\S+\/ops\/approval\/\S+)/.exec(mailText)![1]!;
    expect(url.startsWith(`${BASE}/ops/approval/${approvalId}?token=`)).toBe(true);
    expect(mailText).toContain(requester.user.email);
    const link = new URL(url);

    const page = await getPage(`${link.pathname}${link.search}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).not.toContain('<script');
    for (const shown of [
      'drain_node',
      'destructive',
      requester.user.email,
      'db-1',
      'reviewer@outside.test',
      'Decisions so far',
      `action="/ops/approval/${approvalId}"`,
      'name="token"',
      'value="approve"',
      'value="reject"',
    ]) {
      expect(page.body).toContain(shown);
    }
    expect(page.body).not.toContain('name="confirm"');

    const res = await postForm(approvalId, {
      token: link.searchParams.get('token')!,
      decision: 'approve',
      comment: 'maintenance window',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('queued to run');
    expect((await executionRow(t, executionId)).status).toBe('queued');
    const a = await t.deps.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      status: 'approved',
      decided_by_email: 'reviewer@outside.test',
      decided_by_user: null,
      decided_via: 'link',
      note: 'maintenance window',
    });
    const links = await t.deps.db
      .selectFrom('approval_links')
      .selectAll()
      .where('approval_id', '=', approvalId)
      .execute();
    expect(links).toHaveLength(1);
    expect(links[0]!.used_at).toBeInstanceOf(Date);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'via', 'outcome'])
      .where('action', '=', 'approval.approve')
      .where('target_id', '=', approvalId)
      .execute();
    expect(audit).toEqual([
      { actor_type: 'link', actor_id: 'link:reviewer@outside.test', via: 'link', outcome: 'success' },
    ]);
  });

  it('opening the link (as a mail scanner does) changes nothing, however often', async () => {
    const { approvalId } = await pending('drain_node', external(['scanned@outside.test']));
    const link = await linkFor(approvalId, 'scanned@outside.test');
    const before = await snapshot(approvalId);
    for (let i = 0; i < 3; i++) expect((await getPage(link.path)).statusCode).toBe(200);
    expect(await t.app.inject({ method: 'HEAD', url: link.path })).toMatchObject({ statusCode: 200 });
    expect(await snapshot(approvalId)).toEqual(before);
    expect(before.links[0]!.used_at).toBeNull();
  });

  it('a link works once: its replay gets the refusal every bad link gets', async () => {
    const two = level({
      escalation: [{ approvers: ['a@outside.test', 'b@outside.test'], required_approvals: 2 }],
    });
    const { approvalId, executionId } = await pending('drain_node', two);
    const a = await linkFor(approvalId, 'a@outside.test');
    const first = await postJson(approvalId, { token: a.token, decision: 'approve' });
    expect(first.statusCode, first.body).toBe(200);
    expect(Approval.parse(first.json())).toMatchObject({ status: 'pending', approvals_so_far: 1 });
    const replay = await postJson(approvalId, { token: a.token, decision: 'approve' });
    expectLinkInvalid(replay);
    expect((await getPage(a.path)).statusCode).toBe(403);
    const b = await linkFor(approvalId, 'b@outside.test');
    const second = await postJson(approvalId, { token: b.token, decision: 'approve' });
    expect(Approval.parse(second.json()).status).toBe('approved');
    expect((await executionRow(t, executionId)).status).toBe('queued');
  });

  it('two concurrent submissions of one link: exactly one is recorded', async () => {
    const two = level({
      escalation: [{ approvers: ['c1@outside.test', 'c2@outside.test'], required_approvals: 2 }],
    });
    for (let trial = 0; trial < 4; trial++) {
      const { approvalId } = await pending('drain_node', two);
      const c = await linkFor(approvalId, 'c1@outside.test');
      const results = await Promise.all([
        postJson(approvalId, { token: c.token, decision: 'approve' }),
        postJson(approvalId, { token: c.token, decision: trial % 2 ? 'approve' : 'reject' }),
      ]);
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([200, 403]);
      expectLinkInvalid(results.find((r) => r.statusCode === 403)!);
      const votes = await t.deps.db
        .selectFrom('approval_votes')
        .select('voter')
        .where('approval_id', '=', approvalId)
        .execute();
      expect(votes).toEqual([{ voter: 'email:c1@outside.test' }]);
    }
  });

  it('a rejection through the link ends the approval with the reason stored', async () => {
    const { approvalId, executionId } = await pending('drain_node', external(['rejecter@outside.test']));
    const link = await linkFor(approvalId, 'rejecter@outside.test');
    const res = await postForm(approvalId, { token: link.token, decision: 'reject', comment: 'not today' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Rejected');
    expect((await executionRow(t, executionId)).status).toBe('rejected');
    const a = await t.deps.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({ status: 'rejected', reason: 'not today', decided_via: 'link' });
  });

  it('tampered, expired, replayed, escalated-past and cross-bound tokens get one identical answer', async () => {
    const escalating = level({
      on_timeout: 'escalate',
      escalation: [
        { approvers: ['first@outside.test'], required_approvals: 1, timeout_seconds: 600 },
        { approvers: ['first@outside.test'], required_approvals: 1, timeout_seconds: 600 },
      ],
    });
    const target = await pending('drain_node', escalating);
    const stage0 = await linkFor(target.approvalId, 'first@outside.test');
    // Same policy version: a policy change would invalidate the target.
    const otherExecution = await invoke(t, requester.key, 'drain_node', { target: 'db-2' });
    const other = { approvalId: otherExecution.approval_id! };
    const otherLink = await linkFor(other.approvalId, 'first@outside.test');
    const claims = claimsOf(stage0.token);
    const [payload, signature] = stage0.token.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'attacker@outside.test' })).toString(
      'base64url',
    );

    // Tokens refused before anything about the approval changes.
    const bad: Record<string, string> = {
      garbage: 'not-a-token',
      empty: '',
      'payload changed, old signature': `${forged}.${signature}`,
      'payload byte flipped': `${flip(payload, 10)}.${signature}`,
      'signature byte flipped': `${payload}.${flip(signature, 5)}`,
      'signature dropped': payload,
      'signed with another secret': signLinkToken('x'.repeat(40), claims),
      'expired token': signLinkToken(SECRET, { ...claims, exp: Math.floor(Date.now() / 1000) - 60 }),
      'another project': signLinkToken(SECRET, { ...claims, pid: 'proj_xxxxxxxxxxxxxxxxxxxx' }),
      'unknown nonce': signLinkToken(SECRET, { ...claims, jti: 'n'.repeat(24) }),
      "another approval's token": otherLink.token,
    };
    const reference = await postJson(target.approvalId, { token: 'not-a-token', decision: 'approve' });
    expectLinkInvalid(reference);
    const referenceForm = await postForm(target.approvalId, { token: 'not-a-token', decision: 'approve' });
    const referencePage = await getPage(`/ops/approval/${target.approvalId}?token=not-a-token`);
    expect(referenceForm.statusCode).toBe(403);
    expect(referencePage.statusCode).toBe(403);
    expect(referencePage.body).toBe(referenceForm.body);
    expect(referencePage.headers['cache-control']).toBe('no-store');

    const expectSame = async (what: string, token: string) => {
      const json = await postJson(target.approvalId, { token, decision: 'approve' });
      expect([json.statusCode, json.body], what).toEqual([reference.statusCode, reference.body]);
      const form = await postForm(target.approvalId, { token, decision: 'approve' });
      expect([form.statusCode, form.body], what).toEqual([referenceForm.statusCode, referenceForm.body]);
      const page = await getPage(`/ops/approval/${target.approvalId}?token=${encodeURIComponent(token)}`);
      expect([page.statusCode, page.body], what).toEqual([referencePage.statusCode, referencePage.body]);
    };
    for (const [what, token] of Object.entries(bad)) await expectSame(what, token);
    // The right token on another approval's URL.
    const wrongId = await postJson(other.approvalId, { token: stage0.token, decision: 'approve' });
    expect([wrongId.statusCode, wrongId.body]).toEqual([reference.statusCode, reference.body]);
    expect((await getPage(`/ops/approval/${other.approvalId}?token=${stage0.token}`)).body).toBe(
      referencePage.body,
    );
    // None of that consumed the real link or recorded anything.
    expect((await getPage(stage0.path)).statusCode).toBe(200);
    expect(
      await t.deps.db
        .selectFrom('approval_votes')
        .where('approval_id', '=', target.approvalId)
        .selectAll()
        .execute(),
    ).toEqual([]);

    // Expired in the database: the nonce row's expiry, then the stage deadline.
    await t.deps.db
      .updateTable('approval_links')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('jti', '=', claims.jti)
      .execute();
    await expectSame('nonce expired', stage0.token);
    await t.deps.db
      .updateTable('approval_links')
      .set({ expires_at: sql<Date>`now() + interval '1 hour'` })
      .where('jti', '=', claims.jti)
      .execute();
    expect((await getPage(stage0.path)).statusCode).toBe(200);
    await expireStage(t, target.approvalId);
    await expectSame('stage deadline passed', stage0.token);

    // Escalated past: the sweeper moves the approval to stage 2 and mails a new link.
    const notify = notifySettingsOf(t.deps.config);
    await sweepDueApprovals(t.deps.db, async (trx, id) => void (await notifyStage(trx, notify, id)));
    const moved = await t.deps.db
      .selectFrom('approvals')
      .select('stage_index')
      .where('id', '=', target.approvalId)
      .executeTakeFirstOrThrow();
    expect(moved.stage_index).toBe(1);
    await expectSame('escalated past', stage0.token);
    const stage1 = await linkFor(target.approvalId, 'first@outside.test');
    expect(stage1.token).not.toBe(stage0.token);
    expect(claimsOf(stage1.token).stage).toBe(1);
    const subject = await t.deps.db
      .selectFrom('outbox_messages')
      .select('subject')
      .where('body', 'like', `%${stage1.token}%`)
      .executeTakeFirstOrThrow();
    expect(subject.subject).toContain('escalated to stage 2');
    const ok = await postJson(target.approvalId, { token: stage1.token, decision: 'approve' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(Approval.parse(ok.json()).status).toBe('approved');
    // Replayed, now that it is decided.
    await expectSame('replayed after the decision', stage1.token);
  });

  it('an irreversible approval through the link needs the tool name typed exactly', async () => {
    const { approvalId, executionId } = await pending(
      'drop_db',
      external(['typist@outside.test'], { self_approval: 'forbidden', on_timeout: 'reject' }),
    );
    const link = await linkFor(approvalId, 'typist@outside.test');
    const page = await getPage(link.path);
    expect(page.body).toContain('name="confirm"');
    expect(page.body).toContain('<code>drop_db</code>');
    for (const confirm of [
      undefined,
      '',
      'DROP_DB',
      'drop_db ',
      ' drop_db',
      'drop\u200bdb',
      'drор_db',
      'drop-db',
    ]) {
      const res = await postJson(approvalId, {
        token: link.token,
        decision: 'approve',
        ...(confirm === undefined ? {} : { confirm }),
      });
      expect(res.statusCode, `${JSON.stringify(confirm)}: ${res.body}`).toBe(422);
      expect(ErrorEnvelope.parse(res.json()).error.code).toBe('approval_confirm_mismatch');
    }
    const form = await postForm(approvalId, { token: link.token, decision: 'approve', confirm: 'Drop_db' });
    expect(form.statusCode).toBe(422);
    expect(form.body).toContain('needs');
    expect(form.body).toContain('name="confirm"');
    // Refusals did not use up the link.
    const row = await t.deps.db
      .selectFrom('approval_links')
      .select('used_at')
      .where('approval_id', '=', approvalId)
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
    const ok = await postForm(approvalId, { token: link.token, decision: 'approve', confirm: 'drop_db' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await executionRow(t, executionId)).status).toBe('queued');
  });

  it("the requester's own address gets no link, and a link to it is refused when self-approval is forbidden", async () => {
    const own = requester.user.email;
    const { approvalId } = await pending(
      'drop_db',
      external([own, 'colleague@outside.test'], { self_approval: 'forbidden', on_timeout: 'reject' }),
    );
    const to = await t.deps.db
      .selectFrom('outbox_messages')
      .select('to_address')
      .where('body', 'like', `%${approvalId}%`)
      .execute();
    expect(to.map((r) => r.to_address)).toEqual(['colleague@outside.test']);
    const row = await t.deps.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    const token = await t.deps.db.transaction().execute((trx) => mintLinkToken(trx, SECRET, row, own));
    const res = await postJson(approvalId, { token, decision: 'approve', confirm: 'drop_db' });
    expect(res.statusCode, res.body).toBe(403);
    const body = ErrorEnvelope.parse(res.json());
    expect(body.error.code).toBe('approver_not_authorized');
    expect(body.error.message).toContain('separation of duties');
    const denied = await t.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'outcome'])
      .where('target_id', '=', approvalId)
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied).toEqual([{ actor_id: `link:${own}`, outcome: 'denied' }]);
    const status = await t.deps.db
      .selectFrom('approvals')
      .select('status')
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('pending');
  });

  it('member notifications use XEM_BASE_URL, never the Host header of the request', async () => {
    await setPolicy(t, {
      destructive: level({
        escalation: [{ approvers: ['role:owner', 'hosted@outside.test'], required_approvals: 1 }],
      }),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions`,
      headers: {
        authorization: `Bearer ${requester.key}`,
        host: 'attacker.example',
        'x-forwarded-host': 'attacker.example',
      },
      payload: { workspace: 'default', tool: 'drain_node', args: {}, queue: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    const approvalId = res.json<{ approval_id: string }>().approval_id;
    const messages = await t.deps.db
      .selectFrom('outbox_messages')
      .select(['to_address', 'kind', 'body'])
      .where('body', 'like', `%${approvalId}%`)
      .execute();
    const members = messages.filter((m) => m.kind === 'approval.request');
    expect(members.length).toBeGreaterThanOrEqual(2);
    for (const m of members) {
      expect(m.body).toContain(`${BASE}/ops/approvals/${approvalId}`);
      expect(m.body).toContain(`xeroctl approvals approve ${approvalId}`);
      expect(m.body).not.toContain('?token=');
    }
    const ext = messages.find((m) => m.to_address === 'hosted@outside.test')!;
    expect(ext.body).toContain(`${BASE}/ops/approval/${approvalId}?token=`);
    for (const m of messages) expect(m.body).not.toContain('attacker.example');
  });

  it('tokens never reach the logs, whatever the outcome', async () => {
    const lines: string[] = [];
    const { buildApp } = await import('../app');
    const logged = await buildApp(t.deps, {
      logger: { level: 'trace', stream: { write: (l) => void lines.push(l) } },
    });
    try {
      const { approvalId } = await pending(
        'drop_db',
        external(['logged@outside.test'], { self_approval: 'forbidden', on_timeout: 'reject' }),
      );
      const link = await linkFor(approvalId, 'logged@outside.test');
      const [payload, signature] = link.token.split('.') as [string, string];
      const send = (o: InjectOptions) => logged.inject(o);
      await send({ method: 'GET', url: link.path });
      await send({
        method: 'GET',
        url: `/ops/approval/${approvalId}?token=${payload}.${signature.slice(0, -2)}xx`,
      });
      await send({
        method: 'POST',
        url: `/ops/approval/${approvalId}`,
        payload: { token: link.token, decision: 'approve', confirm: 'no' },
      });
      await send({
        method: 'POST',
        url: `/ops/approval/${approvalId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${link.token}&decision=approve&confirm=drop_db`,
      });
      await send({
        method: 'POST',
        url: `/ops/approval/${approvalId}`,
        payload: { token: link.token, decision: 'approve', confirm: 'drop_db' },
      });
      await send({
        method: 'POST',
        url: `/ops/approval/${approvalId}?token=${link.token}`,
        payload: { token: 5 },
      });
      const text = lines.join('');
      expect(text).toContain(`/ops/approval/${approvalId}`);
      expect(text).not.toContain(payload);
      expect(text).not.toContain(signature);
      expect(text).not.toContain(claimsOf(link.token).jti);
    } finally {
      await logged.close();
    }
  });
});

function expectLinkInvalid(res: { statusCode: number; json: () => unknown }): void {
  expect(res.statusCode).toBe(403);
  expect(ErrorEnvelope.parse(res.json()).error).toEqual({
    message: LINK_INVALID_MESSAGE,
    type: 'permission_error',
    code: 'approval_link_invalid',
    param: null,
  });
}
