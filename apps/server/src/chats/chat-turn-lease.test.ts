import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, ChatMessage } from '@xem/protocol';
import { startScriptedModel, type ScriptedModel } from '../../../../test-support/scripted-model';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  login,
  type TestApp,
} from '../../test/test-app';
import { notifySettingsOf } from '../approvals/notify-stage';
import { ChatRunner } from './chat-runner';

/**
 * A turn belongs to the process that claimed it only while its lease holds: a second runner
 * (another server process) takes over a lapsed turn and finishes it from the transcript, and
 * the process that lost it cannot end it any more.
 */

let t: TestApp;
let model: ScriptedModel;
let key: string;

beforeAll(async () => {
  model = await startScriptedModel();
  t = await createTestApp({
    XEM_MODEL_URL: model.url,
    XEM_MODEL: 'scripted-lease',
    // Long: this app's own sweeper (every lease/2) must not take the lapsed turn before the test's runner.
    XEM_CHAT_TURN_LEASE_SECONDS: '600',
  });
  const session = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  key = await createKeyAs(t.app, session, ['inference']);
});

afterAll(async () => {
  await t?.close();
  await model?.close();
});

describe(`chat turn leases (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('another runner resumes a turn whose lease lapsed; two sends at once start one turn', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/chats`,
      headers: bearer(key),
      payload: { workspace: 'default' },
    });
    const chat = created.json<Chat>();
    // Both sends race for the idle turn: the conditional UPDATE lets exactly one claim it.
    const [one, two] = await Promise.all(
      ['first', 'second'].map((content) =>
        t.app.inject({
          method: 'POST',
          url: `/${t.projectId}/v1/chats/${chat.id}/messages`,
          headers: bearer(key),
          payload: { content },
        }),
      ),
    );
    expect([one!.statusCode, two!.statusCode].sort()).toEqual([202, 409]);
    // Nothing was scripted, so the model answered 500 and the turn ended with an error.
    const settle = async () => {
      for (let i = 0; i < 100; i++) {
        const c = (
          await t.app.inject({
            method: 'GET',
            url: `/${t.projectId}/v1/chats/${chat.id}`,
            headers: bearer(key),
          })
        ).json<Chat>();
        if (c.turn_status === 'idle') return c;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('turn did not end');
    };
    expect((await settle()).message_count).toBe(2);

    // A turn claimed by a process that died: running, owned by someone else, lease lapsed.
    await t.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('chats')
        .set({
          turn_status: 'running',
          turn_model: true,
          turn_owner: 'dead-process',
          turn_lease_until: sql`now() - interval '1 second'`,
        })
        .where('id', '=', chat.id)
        .execute();
      await trx
        .insertInto('chat_messages')
        .values({
          id: 'msg_orphaned_turn',
          chat_id: chat.id,
          seq: 3,
          role: 'user',
          content: 'are you back?',
          tool_calls: '[]',
        })
        .execute();
      await trx.updateTable('chats').set({ message_count: 3 }).where('id', '=', chat.id).execute();
    });
    model.script({ content: 'Resumed after a takeover.' });
    const other = new ChatRunner({
      db: t.deps.db,
      config: t.deps.config,
      hub: t.deps.hub,
      instanceId: 'second-process',
      settings: { maxAttempts: 3, retryAfterSeconds: 1, notify: notifySettingsOf(t.deps.config) },
      log: { warn: () => undefined, error: () => undefined },
    });
    try {
      expect(await other.resumeLapsed()).toEqual([chat.id]);
      // A live lease is not taken twice.
      expect(await other.resumeLapsed()).toEqual([]);
      await settle();
      const messages = (
        await t.app.inject({
          method: 'GET',
          url: `/${t.projectId}/v1/chats/${chat.id}/messages`,
          headers: bearer(key),
        })
      ).json<{ data: ChatMessage[] }>().data;
      expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Resumed after a takeover.' });
      expect(model.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: 'user', content: 'are you back?' });
      const row = await t.deps.db
        .selectFrom('chats')
        .selectAll()
        .where('id', '=', chat.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ turn_status: 'idle', turn_owner: null, turn_lease_until: null });
    } finally {
      await other.close();
    }
  });
});
