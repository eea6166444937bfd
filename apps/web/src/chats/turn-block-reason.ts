import type { Chat } from '@xem/protocol';

/**
 * Why nothing new can start in the chat now (the server answers 409 chat_turn_in_progress to a
 * message or a tool run while the turn is not idle), or null when it is idle.
 */
export function turnBlockReason(chat: Chat): string | null {
  switch (chat.turn_status) {
    case 'idle':
      return null;
    case 'running':
      return chat.model
        ? `${chat.model} is working on this turn (answering or running a tool); you can write again once it is done.`
        : 'A tool run from this chat is in progress; you can continue once its result is in.';
    case 'waiting_approval':
      return 'A tool call waits for an approval: answer the question above, or wait for its decision.';
  }
}
