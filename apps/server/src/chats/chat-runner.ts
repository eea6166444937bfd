import { sql, type Kysely } from 'kysely';
import type { ChatToolCall, ChatTurnStatus } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import type { EventHub } from '../events/event-hub';
import type { CreateExecutionSettings } from '../executions/create-execution';
import { AppError } from '../http/app-error';
import { randomToken } from '../ids';
import { announceQuestion } from './announce-question';
import { appendMessage } from './append-message';
import { chatTools } from './chat-tools';
import { toChatMessage, type ChatRow } from './chat-view';
import { completeChat, ModelError } from './model-client';
import { modelTools, modelTranscript, toolRefusalContent } from './model-transcript';
import { settleOpenCalls } from './settle-open-calls';
import { startChatToolCall } from './start-chat-tool-call';

export interface ChatRunnerDeps {
  db: Kysely<Database>;
  config: Config;
  hub: EventHub;
  instanceId: string;
  settings: CreateExecutionSettings;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** How long a turn waits for news of its executions before it looks again anyway. */
const RECHECK_MS = 5000;

/**
 * Runs chat turns on this server process. A turn is claimed in the database (one conditional
 * UPDATE on `turn_status = 'idle'`) and held on a lease this process renews; a turn whose lease
 * lapsed (its server died) is taken over by the sweeper of any process and resumed from the
 * transcript: open tool calls are settled from their executions, then the model is asked again.
 * A turn: settle open tool calls (waiting on their executions, as `waiting_approval` while one
 * waits for a human) → ask the model → store its answer and start its tool calls → repeat until
 * the model answers without tool calls (or, for an operator's tool run, once the call settled).
 */
export class ChatRunner {
  private readonly active = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly controller = new AbortController();
  private subscription: Promise<{ unsubscribe: () => void }> | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ChatRunnerDeps) {}

  /** How executions of chat tool calls are created (attempts, approver notifications). */
  get settings(): CreateExecutionSettings {
    return this.deps.settings;
  }

  /** Starts the sweeper that resumes lapsed turns (of this or a dead process). */
  start(): void {
    const every = Math.max(1000, (this.deps.config.chats.turnLeaseSeconds * 1000) / 2);
    this.sweeper = setInterval(
      () => void this.resumeLapsed().catch((err) => this.logError(err, null)),
      every,
    );
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.controller.abort();
    for (const set of this.wakers.values()) for (const wake of set) wake();
    await Promise.allSettled([...this.active.values()]);
    if (this.subscription) (await this.subscription.catch(() => null))?.unsubscribe();
  }

  /**
   * Claims the chat's turn in the caller's transaction, for this process. Throws 409
   * `chat_turn_in_progress` when a turn is already running or waiting.
   */
  async claimTurn(
    trx: Kysely<Database>,
    chat: ChatRow,
    turn: { model: boolean; userId: string | null; keyId: string | null },
  ): Promise<void> {
    const lease = this.deps.config.chats.turnLeaseSeconds;
    const row = await trx
      .updateTable('chats')
      .set({
        turn_status: 'running',
        turn_model: turn.model,
        turn_user: turn.userId,
        turn_key: turn.keyId,
        turn_owner: this.deps.instanceId,
        turn_lease_until: sql`now() + make_interval(secs => ${lease})`,
      })
      .where('id', '=', chat.id)
      .where('turn_status', '=', 'idle')
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      const now = await trx
        .selectFrom('chats')
        .select('turn_status')
        .where('id', '=', chat.id)
        .executeTakeFirst();
      throw new AppError(
        'chat_turn_in_progress',
        now?.turn_status === 'waiting_approval'
          ? `chat ${chat.id} waits for an approval of an earlier tool call; answer its question (POST …/chats/${chat.id}/answer) or cancel that execution first`
          : `chat ${chat.id} is still answering an earlier message; wait until its turn is idle`,
      );
    }
    await appendEvent(trx, chat.project_id, 'chat.turn', turnPayload(chat, 'running', null));
  }

  /** Runs the chat's turn in the background (after the claim committed). */
  kick(chatId: string): void {
    if (this.active.has(chatId) || this.controller.signal.aborted) return;
    const run = this.drive(chatId)
      .catch((err) => this.logError(err, chatId))
      .finally(() => this.active.delete(chatId));
    this.active.set(chatId, run);
  }

  /** Takes over turns whose lease lapsed and resumes them here. */
  async resumeLapsed(): Promise<string[]> {
    const lease = this.deps.config.chats.turnLeaseSeconds;
    const rows = await sql<{ id: string }>`
      UPDATE chats SET turn_owner = ${this.deps.instanceId},
        turn_lease_until = now() + make_interval(secs => ${lease})
      WHERE id IN (
        SELECT id FROM chats WHERE turn_status <> 'idle' AND turn_lease_until < now()
        ORDER BY turn_lease_until LIMIT 50 FOR UPDATE SKIP LOCKED)
      RETURNING id`.execute(this.deps.db);
    for (const r of rows.rows) this.kick(r.id);
    return rows.rows.map((r) => r.id);
  }

  private async drive(chatId: string): Promise<void> {
    await this.ensureSubscribed();
    const { db, config } = this.deps;
    const lost = new AbortController();
    const signal = AbortSignal.any([this.controller.signal, lost.signal]);
    const renew = setInterval(
      () =>
        void this.renew(chatId).then(
          (held) => held || lost.abort(),
          () => undefined,
        ),
      Math.max(500, (config.chats.turnLeaseSeconds * 1000) / 3),
    );
    let steps = 0;
    try {
      for (;;) {
        if (signal.aborted) return;
        const chat = await db.selectFrom('chats').selectAll().where('id', '=', chatId).executeTakeFirst();
        if (!chat || chat.turn_status === 'idle' || chat.turn_owner !== this.deps.instanceId) return;
        const open = await settleOpenCalls(db, chat);
        if (open.unsettled.length > 0) {
          await this.setStatus(chat, open.waitingApproval ? 'waiting_approval' : 'running');
          await this.waitForNews(open.unsettled, signal);
          continue;
        }
        if (!chat.turn_model || config.model === null) return await this.finish(chat, null);
        if (steps >= config.chats.maxSteps) {
          return await this.finish(chat, {
            code: 'chat_max_steps',
            message: `the model called tools ${steps} times in this turn without answering; the turn was ended (XEM_CHAT_MAX_STEPS)`,
          });
        }
        steps += 1;
        await this.setStatus(chat, 'running');
        if (!(await this.askModel(chat, signal))) return;
      }
    } catch (err) {
      if (signal.aborted) return;
      this.logError(err, chatId);
      const chat = await db.selectFrom('chats').selectAll().where('id', '=', chatId).executeTakeFirst();
      if (chat && chat.turn_owner === this.deps.instanceId && chat.turn_status !== 'idle') {
        await this.finish(chat, {
          code: 'internal_error',
          message: 'the turn failed on the server; see its log',
        });
      }
    } finally {
      clearInterval(renew);
    }
  }

  /** One model call: stores its answer and starts its tool calls. False when the turn ended. */
  private async askModel(chat: ChatRow, signal: AbortSignal): Promise<boolean> {
    const { db, config } = this.deps;
    const messages = await db
      .selectFrom('chat_messages')
      .selectAll()
      .where('chat_id', '=', chat.id)
      .orderBy('seq')
      .execute();
    const tools = await chatTools(db, chat);
    let answer;
    try {
      answer = await completeChat(
        config.model!,
        modelTranscript(chat.system_prompt, messages.map(toChatMessage)),
        modelTools(tools),
        signal,
      );
    } catch (err) {
      if (!(err instanceof ModelError) || signal.aborted) throw err;
      await this.finish(chat, { code: 'model_unavailable', message: err.message });
      return false;
    }
    if (answer.toolCalls.length === 0) {
      await db.transaction().execute(async (trx) => {
        await appendMessage(trx, chat.project_id, chat.id, {
          role: 'assistant',
          content: answer.content ?? '',
        });
      });
      await this.finish(chat, null);
      return false;
    }
    const caller = turnCaller(chat);
    const calls: ChatToolCall[] = [];
    const refusals: { id: string; code: string; message: string }[] = [];
    for (const tc of answer.toolCalls) {
      const id = `call_${randomToken(12)}`;
      const args = parseArguments(tc.arguments);
      if (args === null) {
        calls.push({ id, name: tc.name, arguments: {}, execution_id: null });
        refusals.push({ id, code: 'invalid_body', message: 'the arguments are not a JSON object' });
        continue;
      }
      try {
        const exe = await startChatToolCall(
          db,
          this.deps.settings,
          chat,
          { id, name: tc.name, args },
          caller,
        );
        calls.push({ id, name: tc.name, arguments: args, execution_id: exe.id });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        calls.push({ id, name: tc.name, arguments: args, execution_id: null });
        refusals.push({ id, code: err.code, message: err.message });
      }
    }
    await db.transaction().execute(async (trx) => {
      await appendMessage(trx, chat.project_id, chat.id, {
        role: 'assistant',
        content: answer.content,
        toolCalls: calls,
      });
      for (const r of refusals) {
        await appendMessage(trx, chat.project_id, chat.id, {
          role: 'tool',
          content: toolRefusalContent(r.code, r.message),
          toolCallId: r.id,
        });
      }
    });
    await announceQuestion(db, chat, calls);
    return true;
  }

  /** Moves the turn between running and waiting_approval, announcing a change. */
  private async setStatus(chat: ChatRow, status: Exclude<ChatTurnStatus, 'idle'>): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('chats')
        .set({ turn_status: status })
        .where('id', '=', chat.id)
        .where('turn_owner', '=', this.deps.instanceId)
        .where('turn_status', 'not in', ['idle', status])
        .returning('id')
        .executeTakeFirst();
      if (row) await appendEvent(trx, chat.project_id, 'chat.turn', turnPayload(chat, status, null));
    });
  }

  /** Ends the turn (with an `error` message first when it failed). */
  async finish(chat: ChatRow, error: { code: string; message: string } | null): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('chats')
        .set({
          turn_status: 'idle',
          turn_model: false,
          turn_owner: null,
          turn_lease_until: null,
          turn_user: null,
          turn_key: null,
        })
        .where('id', '=', chat.id)
        .where('turn_owner', '=', this.deps.instanceId)
        .where('turn_status', '<>', 'idle')
        .returning('id')
        .executeTakeFirst();
      if (!row) return;
      if (error) {
        await appendMessage(trx, chat.project_id, chat.id, {
          role: 'error',
          content: `${error.code}: ${error.message}`,
        });
      }
      await appendEvent(trx, chat.project_id, 'chat.turn', turnPayload(chat, 'idle', error));
    });
  }

  private async renew(chatId: string): Promise<boolean> {
    const lease = this.deps.config.chats.turnLeaseSeconds;
    const row = await this.deps.db
      .updateTable('chats')
      .set({ turn_lease_until: sql`now() + make_interval(secs => ${lease})` })
      .where('id', '=', chatId)
      .where('turn_owner', '=', this.deps.instanceId)
      .where('turn_status', '<>', 'idle')
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Resolves when an event names one of the executions, after RECHECK_MS, or on abort. */
  private waitForNews(executionIds: string[], signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        for (const id of executionIds) this.wakers.get(id)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, RECHECK_MS);
      signal.addEventListener('abort', done);
      for (const id of executionIds) {
        let set = this.wakers.get(id);
        if (!set) this.wakers.set(id, (set = new Set()));
        set.add(done);
      }
    });
  }

  private ensureSubscribed(): Promise<unknown> {
    this.subscription ??= this.deps.hub.subscribe({
      onEvents: (events) => {
        for (const e of events) {
          const id = e.type.startsWith('execution.')
            ? e.payload.id
            : e.type.startsWith('approval.')
              ? e.payload.execution_id
              : undefined;
          if (typeof id !== 'string') continue;
          const set = this.wakers.get(id);
          if (!set) continue;
          this.wakers.delete(id);
          for (const wake of set) wake();
        }
      },
    });
    return this.subscription;
  }

  private logError(err: unknown, chatId: string | null): void {
    this.deps.log.error({ err, chat_id: chatId }, 'chat turn failed');
  }
}

function turnPayload(chat: ChatRow, status: ChatTurnStatus, error: { code: string; message: string } | null) {
  return { chat_id: chat.id, workspace_id: chat.workspace_id, turn_status: status, error };
}

/** Who the turn acts for: the person who sent the message (requester of its executions). */
export function turnCaller(chat: ChatRow): {
  userId: string | null;
  keyId: string | null;
  ctx: AuditContext;
} {
  return {
    userId: chat.turn_user,
    keyId: chat.turn_key,
    ctx: {
      actorType: chat.turn_key ? 'api_key' : 'user',
      actorId: chat.turn_key ?? chat.turn_user,
      userId: chat.turn_user,
      via: 'chat',
      requestId: `chat:${chat.id}`,
      ip: null,
    },
  };
}

function parseArguments(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
