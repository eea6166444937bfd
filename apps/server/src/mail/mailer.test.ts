import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, SMTP_USER, type SmtpSink } from '../../test/smtp-sink';
import { createTestApp, type TestApp } from '../../test/test-app';
import { newId } from '../ids';
import { mailRetryDelayMs, sendDueMail } from './send-due-mail';
import { startMailer } from './start-mailer';

let sink: SmtpSink;
let t: TestApp;
const SMTP = { from: 'XEM Test <xem@example.test>', maxAttempts: 3, retryBaseMs: 60_000, timeoutMs: 5_000 };

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});
beforeEach(async () => {
  sink.received.length = 0;
  await t.deps.db.deleteFrom('outbox_messages').execute();
});

async function queue(to: string, subject = 'hello'): Promise<string> {
  const id = newId('msg');
  await t.deps.db
    .insertInto('outbox_messages')
    .values({
      id,
      project_id: t.projectId,
      kind: 'test',
      to_address: to,
      subject,
      body: `body of ${subject}\nwith a long line ${'x'.repeat(120)} and a link https://xem.example.test/ops/approval/apr_1?token=abc.def\n`,
      status: 'pending',
    })
    .execute();
  return id;
}

const row = (id: string) =>
  t.deps.db
    .selectFrom('outbox_messages')
    .selectAll()
    .select(sql<boolean>`next_attempt_at > now()`.as('later'))
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const makeDue = (id: string) =>
  t.deps.db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();

const transport = () => nodemailer.createTransport(sink.url);

describe('the mailer', () => {
  it('sends due messages over SMTP (authenticated with the URL credentials) and marks them sent', async () => {
    const id = await queue('reviewer@outside.test', 'Approval needed');
    const tr = transport();
    expect(await sendDueMail(t.deps.db, tr, SMTP, 20)).toBe(1);
    tr.close();
    const [mail] = await sink.waitFor(1);
    expect(mail).toMatchObject({ from: 'xem@example.test', to: ['reviewer@outside.test'], user: SMTP_USER });
    expect(mail!.subject).toBe('Approval needed');
    expect(mail!.headers['auto-submitted']).toBe('auto-generated');
    expect(mail!.text).toContain('https://xem.example.test/ops/approval/apr_1?token=abc.def');
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect((await row(id)).sent_at).toBeInstanceOf(Date);
  });

  it('leaves messages that are not due, sent, unsent or failed alone', async () => {
    const later = await queue('later@outside.test');
    await t.deps.db
      .updateTable('outbox_messages')
      .set({ next_attempt_at: sql<Date>`now() + interval '1 hour'` })
      .where('id', '=', later)
      .execute();
    const unsent = await queue('unsent@outside.test');
    await t.deps.db
      .updateTable('outbox_messages')
      .set({ status: 'unsent' })
      .where('id', '=', unsent)
      .execute();
    const tr = transport();
    expect(await sendDueMail(t.deps.db, tr, SMTP, 20)).toBe(0);
    tr.close();
    expect(sink.received).toHaveLength(0);
  });

  it('retries a temporary refusal later with the error kept, then sends it', async () => {
    const id = await queue('busy@outside.test');
    sink.refuse('busy@outside.test', 450);
    const tr = transport();
    await sendDueMail(t.deps.db, tr, SMTP, 20);
    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, later: true });
    expect(failed.last_error).toContain('450');
    // Not due yet: nothing is sent again.
    expect(await sendDueMail(t.deps.db, tr, SMTP, 20)).toBe(0);
    sink.refuse('busy@outside.test', null);
    await makeDue(id);
    expect(await sendDueMail(t.deps.db, tr, SMTP, 20)).toBe(1);
    tr.close();
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(sink.received).toHaveLength(1);
  });

  it('gives up after the last attempt, and at once on a permanent (5xx) refusal', async () => {
    const busy = await queue('always-busy@outside.test');
    const gone = await queue('gone@outside.test');
    sink.refuse('always-busy@outside.test', 451);
    sink.refuse('gone@outside.test', 550);
    const tr = transport();
    for (let i = 0; i < SMTP.maxAttempts; i++) {
      await makeDue(busy);
      await sendDueMail(t.deps.db, tr, SMTP, 20);
    }
    tr.close();
    expect(await row(busy)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await row(busy)).last_error).toContain('451');
    expect(await row(gone)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(gone)).last_error).toContain('550');
    sink.refuse('always-busy@outside.test', null);
    sink.refuse('gone@outside.test', null);
  });

  it('keeps the error when the server cannot be reached, and retries later', async () => {
    const id = await queue('someone@outside.test');
    const closed = await startSmtpSink();
    await closed.close();
    const tr = nodemailer.createTransport(closed.url);
    await sendDueMail(t.deps.db, tr, SMTP, 20);
    tr.close();
    const r = await row(id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1, later: true });
    expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('sends each message once when several senders claim at the same time', async () => {
    const ids = await Promise.all(Array.from({ length: 24 }, (_, i) => queue(`r${i}@outside.test`, `m${i}`)));
    const trs = [transport(), transport(), transport()];
    const claimed = await Promise.all(trs.map((tr) => sendDueMail(t.deps.db, tr, SMTP, 10)));
    for (const tr of trs) tr.close();
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(24);
    await sink.waitFor(24);
    const sentIds = sink.received.map((m) => m.headers['x-xem-message-id']);
    expect(new Set(sentIds).size).toBe(24);
    expect(sentIds.sort()).toEqual([...ids].sort());
  });

  it('runs as a loop: startMailer sends what is queued and stops cleanly', async () => {
    await queue('loop@outside.test', 'from the loop');
    const stop = startMailer(t.deps.db, { ...SMTP, url: sink.url }, 20);
    try {
      const [mail] = await sink.waitFor(1);
      expect(mail!.subject).toBe('from the loop');
    } finally {
      await stop();
    }
  });

  it('backs off exponentially with jitter, capped at one hour', () => {
    expect(mailRetryDelayMs(1, 1000, () => 0.5)).toBe(1000);
    expect(mailRetryDelayMs(3, 1000, () => 0.5)).toBe(4000);
    expect(mailRetryDelayMs(2, 1000, () => 0)).toBe(1600);
    expect(mailRetryDelayMs(2, 1000, () => 1)).toBe(2400);
    expect(mailRetryDelayMs(40, 30_000, () => 1)).toBe(3_600_000);
  });
});
