import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted model answers to one chat-completions request. */
export type ScriptedReply =
  | { content: string }
  | { tool_calls: { name: string; arguments: unknown }[]; content?: string }
  | { status: number; body: string };

export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[];
  tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
}

export interface ScriptedModel {
  /** Base URL to give XEM_MODEL_URL (`http://127.0.0.1:port/v1`). */
  url: string;
  /** Every request received, in order, with its Authorization header. */
  requests: { body: ChatCompletionRequest; authorization: string | undefined }[];
  /** Queues replies; a request finding the queue empty gets HTTP 500. */
  script(...replies: ScriptedReply[]): void;
  /** Drops replies left in the queue (a failed test must not script the next one's model). */
  reset(): void;
  close(): Promise<void>;
}

let callSeq = 0;

/**
 * An OpenAI-compatible chat-completions endpoint on loopback that answers from a script: the
 * tests decide each model turn (text, or tool calls) and read what XEM sent.
 */
export async function startScriptedModel(): Promise<ScriptedModel> {
  const queue: ScriptedReply[] = [];
  const requests: ScriptedModel['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as ChatCompletionRequest;
      requests.push({ body, authorization: req.headers.authorization });
      const reply = queue.shift();
      if (!reply) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":{"message":"script ran out"}}');
        return;
      }
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      }
      const message =
        'tool_calls' in reply
          ? {
              role: 'assistant',
              content: reply.content ?? null,
              tool_calls: reply.tool_calls.map((c) => ({
                id: `call_scripted_${++callSeq}`,
                type: 'function',
                function: {
                  name: c.name,
                  arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
                },
              })),
            }
          : { role: 'assistant', content: reply.content };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${callSeq}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            {
              index: 0,
              message,
              finish_reason: 'tool_calls' in reply ? 'tool_calls' : 'stop',
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => queue.push(...replies),
    reset: () => void queue.splice(0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
