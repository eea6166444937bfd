import { XemApiError, XemConnectionError } from '@xem/client';
import {
  Approval,
  Chat,
  ChatMessage,
  ChatTurnAccepted,
  Execution,
  listOf,
  type ApplyTemplateRequest,
  type ChatAnswerRequest,
  type CreateChatRequest,
} from '@xem/protocol';
import { z } from 'zod';
import { api } from '../ops-client';

type List<T> = { data: T[]; next_cursor: string | null };
type Query = Record<string, string | number | undefined>;

/** Every error envelope, including codes newer than this page's protocol copy. */
const Envelope = z.object({
  error: z.object({
    message: z.string(),
    code: z.string(),
    type: z.string().nullish(),
    param: z.string().nullish(),
  }),
});

/**
 * One exchange with an `/ops/api/…` chats route, the way `ops.api` does it: same origin, the
 * session cookie, `X-CSRF-Token` (from GET /ops/session) on writes, JSON only when there is a
 * body; the answer parsed with its protocol schema, a refusal thrown as an XemApiError.
 */
async function call<T extends z.ZodType>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  schema: T,
  opts: { query?: Query; body?: unknown } = {},
): Promise<z.output<T>> {
  const url = new URL(`/ops/api${path}`, api.options.baseUrl);
  for (const [k, v] of Object.entries(opts.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  const csrf = method === 'GET' ? null : (api.options.session?.csrfToken() ?? null);
  if (csrf) headers['x-csrf-token'] = csrf;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new XemConnectionError(url.origin, err);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const requestId = res.headers.get('x-request-id');
  if (!res.ok) {
    const env = Envelope.safeParse(json);
    throw new XemApiError(
      env.success
        ? { status: res.status, ...env.data.error, requestId }
        : {
            status: res.status,
            code: 'unexpected_response',
            message: `HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200)}`,
            requestId,
          },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new XemApiError({
      status: res.status,
      code: 'unexpected_response',
      message: `${method} ${path} answered with a body the protocol does not allow: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
      requestId,
    });
  return parsed.data;
}

const seg = encodeURIComponent;
const NoContent = z.undefined();

/**
 * The chats routes of the dashboard (`/ops/api/chats…`, docs/chats-and-mcp.md), on the session
 * of `ops`. Chats have no methods on the shared client yet; these calls follow its conventions.
 */
export const chatsApi = {
  /** Newest first. */
  list(query: { workspace?: string; limit?: number; cursor?: string }): Promise<List<Chat>> {
    return call('GET', '/chats', listOf(Chat), { query });
  },
  create(body: CreateChatRequest): Promise<Chat> {
    return call('POST', '/chats', Chat, { body });
  },
  get(chatId: string): Promise<Chat> {
    return call('GET', `/chats/${seg(chatId)}`, Chat);
  },
  delete(chatId: string): Promise<void> {
    return call('DELETE', `/chats/${seg(chatId)}`, NoContent);
  },
  /** Ascending by seq; `cursor` is the last seq seen. */
  messages(chatId: string, query: { limit?: number; cursor?: string } = {}): Promise<List<ChatMessage>> {
    return call('GET', `/chats/${seg(chatId)}/messages`, listOf(ChatMessage), { query });
  },
  /** Stores the message; with a model the turn runs on the server (202). */
  send(chatId: string, content: string): Promise<ChatTurnAccepted> {
    return call('POST', `/chats/${seg(chatId)}/messages`, ChatTurnAccepted, { body: { content } });
  },
  /** An operator runs one of the chat's tools; the result arrives later as a `tool` message. */
  runTool(chatId: string, tool: string, args: Record<string, unknown>): Promise<ChatTurnAccepted> {
    return call('POST', `/chats/${seg(chatId)}/tool-calls`, ChatTurnAccepted, { body: { tool, args } });
  },
  /** The answer to an `x_ask_user.question`: approve or reject one of the chat's approvals. */
  answer(chatId: string, body: ChatAnswerRequest): Promise<Approval> {
    return call('POST', `/chats/${seg(chatId)}/answer`, Approval, { body });
  },
  /** A new chat pinned to the template's current version. */
  applyTemplate(workspace: string, template: string, body: ApplyTemplateRequest): Promise<Chat> {
    const path = `/workspaces/${seg(workspace)}/chat-templates/${seg(template)}/apply`;
    return call('POST', path, Chat, { body });
  },
  /** The executions of the chat's tool calls (`?chat=`), newest first. */
  executions(chatId: string, query: { limit?: number; cursor?: string } = {}): Promise<List<Execution>> {
    return call('GET', '/executions', listOf(Execution), { query: { ...query, chat: chatId } });
  },
};
