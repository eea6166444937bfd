import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatTurnAccepted } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import type { StoredEvent } from '../events/committed-reader';
import { chatFrame, sseFrame, sseHeaders } from '../events/stream-frames';

const KEEPALIVE_MS = 15_000;

/**
 * Answers a chat message as Server-Sent Events: the frames of the turn it starts (`chat.message`,
 * `chat.turn`, `x_ask_user.question`), ending with `data: [DONE]` once the turn is idle again or
 * waits for an approval (without a model: once the message itself was sent). The hub
 * subscription is taken before the message is stored, so no frame of the turn is missed; a
 * refusal before anything was stored is still answered as a JSON error.
 */
export async function streamChatTurn(
  deps: AppDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  projectId: string,
  chatId: string,
  start: () => Promise<ChatTurnAccepted>,
  runsTurn: boolean,
): Promise<void> {
  const pending: StoredEvent[] = [];
  let sink: ((e: StoredEvent) => void) | null = null;
  const sub = await deps.hub.subscribe({
    onEvents: (batch) => {
      for (const e of batch) {
        if (e.projectId !== projectId || e.payload.chat_id !== chatId) continue;
        if (sink) sink(e);
        else pending.push(e);
      }
    },
  });
  let accepted: ChatTurnAccepted;
  try {
    accepted = await start();
  } catch (err) {
    sub.unsubscribe();
    throw err;
  }
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, sseHeaders(req.id));
  let done = false;
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const lifetime = setTimeout(() => {
    res.write(sseFrame('chat.connection.closing', { reason: 'max_lifetime', reconnect: true }));
    end(false);
  }, deps.config.events.maxLifetimeSeconds * 1000);
  const end = (sentinel: boolean) => {
    if (done) return;
    done = true;
    clearInterval(keepalive);
    clearTimeout(lifetime);
    sub.unsubscribe();
    if (sentinel) res.write('data: [DONE]\n\n');
    res.end();
  };
  res.on('close', () => end(false));
  // Frames before the message itself are an earlier turn's tail (read by the hub after this
  // subscription began) or this turn's claim: the stream starts at the message.
  let started = false;
  const handle = (e: StoredEvent): void => {
    if (done) return;
    if (!started) {
      if (e.type !== 'chat.message' || (e.payload.message as { id?: string }).id !== accepted.message.id)
        return;
      started = true;
    }
    const m = chatFrame(e);
    if (!m) return;
    res.write(sseFrame(m.name, m.data, e.id));
    const turnEnded =
      e.type === 'chat.turn' &&
      (e.payload.turn_status === 'idle' || e.payload.turn_status === 'waiting_approval');
    const messageSent =
      !runsTurn &&
      e.type === 'chat.message' &&
      (e.payload.message as { id?: string }).id === accepted.message.id;
    if (turnEnded || messageSent) end(true);
  };
  sink = handle;
  for (const e of pending.splice(0)) handle(e);
}
