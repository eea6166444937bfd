import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApplyTemplateRequest,
  Approval,
  Chat,
  ChatAnswerRequest,
  ChatMessage,
  ChatToolCallRequest,
  ChatTurnAccepted,
  CreateChatRequest,
  EventId,
  ListChatMessagesQuery,
  ListChatsQuery,
  listOf,
  PostChatMessageRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { decideApproval } from '../approvals/decide-approval';
import { serveEventStream } from '../events/event-stream';
import { lastEventIdOf } from '../events/stream-routes';
import type { StreamRegistry } from '../events/stream-registry';
import { AppError, notFound } from '../http/app-error';
import { isSameOriginRequest } from '../http/origin-check';
import { auditContext, principalOf } from '../http/request-context';
import {
  createChat,
  deleteChat,
  getChat,
  listChatMessages,
  listChats,
  postChatMessage,
  runChatTool,
  type ChatsDeps,
} from './chats-service';
import { findChat } from './find-chat';
import type { ChatCaller } from './start-chat-tool-call';
import { streamChatTurn } from './stream-chat-turn';

const ChatParams = z.object({ chat_id: z.string().min(1).max(64) });
const ApplyParams = z.object({
  workspace_id: z.string().min(1).max(64),
  template_id: z.string().min(1).max(64),
});
const StreamQuery = z.object({ last_event_id: EventId.optional() });

function callerOf(req: FastifyRequest): ChatCaller {
  const p = principalOf(req);
  return { userId: p.userId, keyId: p.keyId, ctx: auditContext(req) };
}

function wantsStream(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

/**
 * Chats under `prefix` (`/:project_id/v1` with an `inference` key, or `/ops/api` for the
 * dashboard): list, create, read, delete, messages (optionally answered as a stream of the
 * turn), operator tool runs, answers to questions, the chat's own stream, and applying a
 * template to a workspace (a chat pinned to the template's current version).
 */
export function chatsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  chats: ChatsDeps,
  registry: StreamRegistry,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'inference' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'inference'];
  const base = `${prefix}/chats`;
  const one = `${base}/:chat_id`;

  r.get(
    base,
    { config, schema: { querystring: ListChatsQuery, response: { 200: listOf(Chat) }, tags } },
    async (req) => listChats(chats, projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateChatRequest, response: { 201: Chat }, tags } },
    async (req, reply) =>
      reply.status(201).send(await createChat(chats, callerOf(req), projectOf(req), req.body)),
  );

  r.post(
    `${prefix}/workspaces/:workspace_id/chat-templates/:template_id/apply`,
    { config, schema: { params: ApplyParams, body: ApplyTemplateRequest, response: { 201: Chat }, tags } },
    async (req, reply) => {
      const chat = await createChat(chats, callerOf(req), projectOf(req), {
        ...req.body,
        workspace: req.params.workspace_id,
        template: req.params.template_id,
      });
      return reply.status(201).send(chat);
    },
  );

  r.get(one, { config, schema: { params: ChatParams, response: { 200: Chat }, tags } }, async (req) =>
    getChat(chats, projectOf(req), req.params.chat_id),
  );

  r.delete(one, { config, schema: { params: ChatParams, tags } }, async (req, reply) => {
    await deleteChat(chats, callerOf(req), projectOf(req), req.params.chat_id);
    return reply.status(204).send();
  });

  r.get(
    `${one}/messages`,
    {
      config,
      schema: {
        params: ChatParams,
        querystring: ListChatMessagesQuery,
        response: { 200: listOf(ChatMessage) },
        tags,
      },
    },
    async (req) => listChatMessages(chats, projectOf(req), req.params.chat_id, req.query),
  );

  r.post(
    `${one}/messages`,
    {
      config,
      schema: {
        params: ChatParams,
        body: PostChatMessageRequest,
        response: { 202: ChatTurnAccepted },
        tags,
        description:
          'Stores a user message and starts the turn; with Accept: text/event-stream the turn is streamed.',
      },
    },
    async (req, reply) => {
      const projectId = projectOf(req);
      const { chat_id } = req.params;
      const start = () => postChatMessage(chats, callerOf(req), projectId, chat_id, req.body.content);
      // A refusal (unknown chat, turn in progress) still answers JSON: the stream starts after it.
      if (wantsStream(req)) {
        return streamChatTurn(deps, req, reply, projectId, chat_id, start, chats.model !== null);
      }
      return reply.status(202).send(await start());
    },
  );

  r.post(
    `${one}/tool-calls`,
    {
      config,
      schema: { params: ChatParams, body: ChatToolCallRequest, response: { 202: ChatTurnAccepted }, tags },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(await runChatTool(chats, callerOf(req), projectOf(req), req.params.chat_id, req.body)),
  );

  r.post(
    `${one}/answer`,
    { config, schema: { params: ChatParams, body: ChatAnswerRequest, response: { 200: Approval }, tags } },
    async (req) => {
      const projectId = projectOf(req);
      const chat = await findChat(deps.db, projectId, req.params.chat_id);
      const exe = await deps.db
        .selectFrom('executions')
        .select('id')
        .where('approval_id', '=', req.body.approval_id)
        .where('chat_id', '=', chat.id)
        .executeTakeFirst();
      if (!exe) throw Object.assign(notFound('approval', req.body.approval_id), { param: 'approval_id' });
      const p = principalOf(req);
      return decideApproval(deps.db, {
        projectId,
        approvalId: req.body.approval_id,
        decision: req.body.decision,
        note: req.body.note,
        reason: req.body.reason,
        confirm: req.body.confirm,
        who: { kind: 'user', userId: p.userId, email: p.email, isAdmin: p.isAdmin, role: p.role },
        via: 'chat',
        ctx: auditContext(req),
      });
    },
  );

  r.get(
    `${one}/stream`,
    {
      config,
      schema: {
        params: ChatParams,
        querystring: StreamQuery,
        tags,
        description: 'Server-Sent Events of the chat (chat.message, chat.turn, x_ask_user.question).',
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.kind === 'session' && !isSameOriginRequest(req, deps.config.baseUrl)) {
        throw new AppError('origin_forbidden', 'cross-site request refused');
      }
      const projectId = projectOf(req);
      const chat = await findChat(deps.db, projectId, req.params.chat_id);
      await serveEventStream(deps, registry, req, reply, {
        kind: 'chat',
        owner: { userId: p.userId, projectId, sessionIdHash: p.sessionIdHash, keyId: p.keyId },
        filter: { chat: new Set([chat.id]) },
        lastEventId: lastEventIdOf(req, req.query.last_event_id),
      });
    },
  );
}
