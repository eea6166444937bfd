import type { XemClient } from '@xem/client';
import { PostChatMessageRequest, type Chat } from '@xem/protocol';
import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { parseDuration } from '../../duration-flag';
import { chatFields } from './chat-columns';
import { DEFAULT_TURN_TIMEOUT_MS, streamTurn } from './stream-turn';

export interface NewOptions {
  workspace: string;
  template?: string | undefined;
  title?: string | undefined;
  message?: string | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
}

export const MESSAGE_FLAG_HELP =
  'a first message: sent once the chat exists, and the turn it starts is streamed (exit 8 when it waits for an approval)';
export const TIMEOUT_FLAG_HELP =
  'with --message: stop following the turn after this long (exit 8), e.g. 90s or 10m (default 5m)';

export function command(make: MakeDeps): Command {
  return new Command('new')
    .description('Open a chat in a workspace, blank or from a template (pinned to its current version)')
    .requiredOption('--workspace <id|name>', 'the workspace the chat acts in')
    .option('--template <id|name>', 'copy this template (prompt, allowed tools, approval policy)')
    .option('--title <text>', "the chat's title (default: set by the server)")
    .option('--message <text>', MESSAGE_FLAG_HELP)
    .option('--timeout <duration>', TIMEOUT_FLAG_HELP, parseDuration)
    .action(async (opts: NewOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: NewOptions, deps: Deps): Promise<void> {
  const message = checkMessage(opts);
  const client = await deps.projectClient();
  const chat = await client.chats.create({
    workspace: opts.workspace,
    template: opts.template,
    title: opts.title,
  });
  await openedChat(deps, client, chat, message, opts.timeout);
}

/** `--message` checked before anything is created, so a refused message leaves no empty chat behind. */
export function checkMessage(opts: {
  message?: string | undefined;
  timeout?: number | undefined;
}): string | null {
  if (opts.message === undefined) {
    if (opts.timeout !== undefined) throw new UsageError('--timeout only applies with --message');
    return null;
  }
  const parsed = PostChatMessageRequest.safeParse({ content: opts.message });
  if (!parsed.success) {
    throw new UsageError(`--message: ${parsed.error.issues[0]?.message ?? 'not a valid message'}`);
  }
  return parsed.data.content;
}

/**
 * What `chat new` and `templates apply` print: the chat, then — with a first message — the
 * turn it starts, streamed. With `-o json` and a message, every line is one JSON object
 * `{"id", "event", "data"}`, the first being `{"id": null, "event": "chat", "data": <chat>}`.
 */
export async function openedChat(
  deps: Deps,
  client: XemClient,
  chat: Chat,
  message: string | null,
  timeoutMs: number | undefined,
): Promise<void> {
  if (deps.out.isJson) {
    if (message === null) return deps.out.json(chat);
    deps.out.line(JSON.stringify({ id: null, event: 'chat', data: chat }));
  } else {
    deps.out.record(chatFields(chat), chat);
    const from = chat.template ? ` from template ${chat.template.name} version ${chat.template.version}` : '';
    deps.out.note(`Opened chat ${chat.id} in ${chat.workspace_id}${from}.`);
  }
  if (message === null) {
    if (!deps.out.isJson) deps.out.note(`Send a message with "xeroctl chat send ${chat.id} <text>".`);
    return;
  }
  if (!deps.out.isJson) deps.out.line('');
  await streamTurn(deps, client, chat, message, timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS);
}
