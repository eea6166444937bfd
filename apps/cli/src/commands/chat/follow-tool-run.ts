import type { ChatStreamEvent, XemClient } from '@xem/client';
import type { ChatMessage, ChatQuestion, ChatToolCall } from '@xem/protocol';
import { CliError } from '../../cli-error';
import type { Deps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { EXIT_PENDING } from '../../report-error';
import { finishExecution } from '../exec/finish-execution';
import { print } from './stream-turn';
import { answerCommand, Transcript } from './transcript';

/**
 * `chat run`: runs an allowed tool from the chat and follows it on the chat's stream (no
 * polling) until its result message arrives (exit 0 when the execution completed, 1 otherwise)
 * or it waits for an approval (exit 8, saying how to answer). The stream is opened, and its
 * starting point known, before the call is posted, so nothing the call causes is missed.
 */
export async function runToolFollowing(
  deps: Deps,
  client: XemClient,
  chatId: string,
  tool: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<void> {
  const transcript = new Transcript(chatId);
  const printed = new Set<string>();
  const show = (e: ChatStreamEvent) => {
    if (e.event === 'chat.message') {
      if (printed.has(e.data.message.id)) return;
      printed.add(e.data.message.id);
    }
    print(deps, transcript, e);
  };
  const stream = client.chats.stream(chatId, {
    onStatus: (s) => {
      if (s.state === 'reconnecting' || s.state === 'offline') deps.out.note(describeStreamRetry('run', s));
    },
  });
  const frames = stream[Symbol.asyncIterator]();
  const timer = setTimeout(() => stream.close(), timeoutMs);
  const stopListening = deps.io.onInterrupt(() => stream.close());
  let call: ChatToolCall | undefined;
  let result: ChatMessage | null = null;
  let question: ChatQuestion | null = null;
  try {
    // The connected frame names the stream's starting point: from here on nothing is missed.
    for (;;) {
      const next = await frames.next();
      if (next.done) throw new CliError(`the stream of chat ${chatId} closed before it started`);
      if (next.value.event === 'chat.connection.connected') break;
    }
    const accepted = await client.chats.runTool(chatId, { tool, args });
    call = accepted.message.tool_calls[0];
    if (!call) throw new CliError(`the server stored the call of ${tool} without a tool call`);
    show({
      event: 'chat.message',
      id: null,
      data: { type: 'chat.message', chat_id: chatId, message: accepted.message },
    });
    for (let next = await frames.next(); !next.done; next = await frames.next()) {
      const e = next.value;
      if (e.event === 'chat.connection.resync') {
        deps.out.note(`run: events after ${e.data.last_event_id} are no longer kept; some were missed`);
      }
      show(e);
      if (
        e.event === 'chat.message' &&
        e.data.message.role === 'tool' &&
        e.data.message.tool_call_id === call.id
      ) {
        result = e.data.message;
        break;
      }
      if (e.event === 'x_ask_user.question' && e.data.execution_id === call.execution_id) {
        question = e.data;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    stopListening();
    stream.close();
  }
  await stream.done;
  if (question) {
    throw new CliError(
      `${tool} (execution ${question.execution_id}) waits for approval ${question.approval_id} (${question.risk}); an approver runs "${answerCommand(chatId, question, 'approve')}"`,
      EXIT_PENDING,
    );
  }
  if (!result || !call) {
    throw new CliError(
      `stopped following chat ${chatId} before the result of ${tool} arrived; read it later with "xeroctl chat show ${chatId}"`,
      EXIT_PENDING,
    );
  }
  if (call.execution_id) finishExecution(deps, await client.getExecution(call.execution_id));
}
