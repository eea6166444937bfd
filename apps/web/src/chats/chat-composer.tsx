import { useMutation, useQueryClient } from '@tanstack/react-query';
import { MAX_CHAT_MESSAGE_CHARS, type Chat } from '@xem/protocol';
import { useId, useState, type FormEvent } from 'react';
import { errorText } from '../ui/states';
import { appendChatMessage } from './chat-live';
import { api } from '../ops-client';
import { turnBlockReason } from './turn-block-reason';

/**
 * Writes a user message. With a model the server runs a turn (202) and the answer streams in
 * through ox.chat.*; without one the message is recorded. While a turn runs or waits for an
 * approval the server refuses new messages (409 chat_turn_in_progress), so the composer says
 * why it is disabled instead.
 */
export function ChatComposer({ chat }: { chat: Chat }) {
  const qc = useQueryClient();
  const id = useId();
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: (content: string) => api.chats.send(chat.id, content),
    onSuccess: (r) => {
      qc.setQueryData(['chat', chat.id], r.chat);
      appendChatMessage(qc, r.message);
      setText('');
    },
  });
  const blocked = turnBlockReason(chat);
  const content = text.trim();
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!blocked && content && !send.isPending) send.mutate(content);
  };
  return (
    <form className="card chat-composer" aria-label="Composer" onSubmit={submit}>
      <label htmlFor={`${id}-text`}>{chat.model ? 'Message' : 'Message (recorded; no model answers)'}</label>
      <textarea
        id={`${id}-text`}
        value={text}
        maxLength={MAX_CHAT_MESSAGE_CHARS}
        rows={3}
        placeholder={
          chat.model ? `Ask ${chat.model}… (Ctrl+Enter sends)` : 'A note for the chat (Ctrl+Enter sends)'
        }
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
        }}
      />
      <div className="row">
        <button className="btn primary" type="submit" disabled={!!blocked || !content || send.isPending}>
          {send.isPending ? 'Sending…' : 'Send'}
        </button>
        {blocked && (
          <span className="muted" role="status" data-testid="composer-blocked">
            {blocked}
          </span>
        )}
      </div>
      {send.error && (
        <p className="error-text" role="alert">
          {errorText(send.error)}
        </p>
      )}
    </form>
  );
}
