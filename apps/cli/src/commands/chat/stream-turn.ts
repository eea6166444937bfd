import type { ChatStreamEvent, XemClient } from '@xem/client';
import type { Chat, ChatQuestion, ChatTurnFrame } from '@xem/protocol';
import { CliError } from '../../cli-error';
import type { Deps } from '../../deps';
import { EXIT_ERROR, EXIT_PENDING } from '../../report-error';
import { answerCommand, formatFrameJson, Transcript } from './transcript';

/** How long `chat new|send --message` follow a turn before they give up (exit 8). */
export const DEFAULT_TURN_TIMEOUT_MS = 5 * 60_000;

/**
 * Posts `content` to the chat with `Accept: text/event-stream` and prints the turn's frames as
 * they come (transcript lines, or one JSON frame per line with `-o json`) until the server ends
 * the stream: the turn is idle again or waits for an approval. Then finishTurn decides the exit.
 * Ctrl-C or the timeout stop following (exit 8); the turn goes on on the server.
 */
export async function streamTurn(
  deps: Deps,
  client: XemClient,
  chat: Chat,
  content: string,
  timeoutMs: number,
): Promise<void> {
  const transcript = new Transcript(chat.id);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const stopListening = deps.io.onInterrupt(() => stop.abort());
  let turn: ChatTurnFrame | null = null;
  const questions: ChatQuestion[] = [];
  try {
    for await (const e of client.chats.sendStreaming(chat.id, content, { signal: stop.signal })) {
      print(deps, transcript, e);
      if (e.event === 'chat.turn') turn = e.data;
      if (e.event === 'x_ask_user.question') questions.push(e.data);
    }
  } finally {
    clearTimeout(timer);
    stopListening();
  }
  if (stop.signal.aborted) {
    throw new CliError(
      `stopped following chat ${chat.id} before its turn ended; it goes on on the server: follow it with "xeroctl chat watch ${chat.id}" or read it with "xeroctl chat show ${chat.id}"`,
      EXIT_PENDING,
    );
  }
  if (chat.model === null && !deps.out.isJson) {
    deps.out.note(
      `No model answers chat ${chat.id} (the server has no XEM_MODEL_URL): the message is stored. Run a tool with "xeroctl chat run ${chat.id} <tool>".`,
    );
  }
  await finishTurn(deps, client, chat.id, turn, questions);
}

/** Prints one frame: its transcript lines, or the frame as one JSON line. */
export function print(deps: Deps, transcript: Transcript, e: ChatStreamEvent): void {
  if (deps.out.isJson) {
    if (!e.event.startsWith('chat.connection.')) deps.out.line(formatFrameJson(e));
    return;
  }
  for (const line of transcript.event(e)) deps.out.line(line);
}

/**
 * Ends a command that followed a turn: exit 0 when the chat is idle, 1 when the turn failed
 * (its `chat.turn` carries an error), 8 while a tool call waits for an approval — saying which
 * and how to answer it, on stderr, even with `-o json`, since a person has to act on it.
 */
export async function finishTurn(
  deps: Deps,
  client: XemClient,
  chatId: string,
  turn: ChatTurnFrame | null,
  questions: ChatQuestion[],
): Promise<void> {
  const status = turn?.turn_status ?? (await client.chats.get(chatId)).turn_status;
  if (status === 'idle') {
    if (turn?.error) {
      throw new CliError(
        `the turn of chat ${chatId} failed: ${turn.error.message} (${turn.error.code})`,
        EXIT_ERROR,
      );
    }
    return;
  }
  if (status === 'running') {
    throw new CliError(
      `the turn of chat ${chatId} is still running; follow it with "xeroctl chat watch ${chatId}"`,
      EXIT_PENDING,
    );
  }
  const waiting = questions.length > 0 ? questions : await pendingQuestions(client, chatId);
  const what = waiting.map(
    (q) => `approval ${q.approval_id} (${q.tool}, ${q.risk}): "${answerCommand(chatId, q, 'approve')}"`,
  );
  throw new CliError(
    `chat ${chatId} waits for ${what.length > 0 ? what.join('; ') : 'an approval'}; an approver answers it (or "--reject --reason …"), then the turn goes on`,
    EXIT_PENDING,
  );
}

/** The approvals a chat's executions wait for, when no question frame said so (read back). */
async function pendingQuestions(
  client: XemClient,
  chatId: string,
): Promise<Array<Pick<ChatQuestion, 'approval_id' | 'tool' | 'risk' | 'confirm_required'>>> {
  const page = await client.listExecutions({ chat: chatId, status: ['pending_approval'], limit: 50 });
  return page.data.flatMap((e) =>
    e.approval_id
      ? [
          {
            approval_id: e.approval_id,
            tool: e.tool,
            risk: e.risk,
            confirm_required: e.risk === 'irreversible',
          },
        ]
      : [],
  );
}
