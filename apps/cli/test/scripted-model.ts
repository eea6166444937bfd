import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the model answers to one request: text, or tool calls (arguments as an object). */
export type ModelReply =
  { content: string } | { tool_calls: Array<{ name: string; arguments: Record<string, unknown> }> };

export interface ModelRequest {
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    stream?: boolean;
    messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>;
    tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  };
}

export interface ScriptedModel {
  /** The OpenAI-compatible base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every request to `/v1/chat/completions`, in order. */
  requests: ModelRequest[];
  close(): Promise<void>;
}

/**
 * A tiny OpenAI-compatible chat-completions server on 127.0.0.1 that answers each request with
 * the next reply of its script — as one JSON completion, or as `stream: true` chunks ending with
 * `data: [DONE]` when the request asks for a stream. A request past the end of the script gets a
 * 500, so a turn that asks more than the test expects fails visibly.
 */
export async function startScriptedModel(script: ModelReply[]): Promise<ScriptedModel> {
  const requests: ModelRequest[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } }),
        );
        return;
      }
      const body = JSON.parse(text) as ModelRequest['body'];
      requests.push({ headers: req.headers, body });
      const reply = script[requests.length - 1];
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { message: 'the script has no more replies', type: 'server_error' } }),
        );
        return;
      }
      const n = requests.length;
      const message =
        'content' in reply
          ? { role: 'assistant', content: reply.content }
          : {
              role: 'assistant',
              content: null,
              tool_calls: reply.tool_calls.map((c, i) => ({
                id: `call_${n}_${i}`,
                type: 'function',
                function: { name: c.name, arguments: JSON.stringify(c.arguments) },
              })),
            };
      const finish = 'content' in reply ? 'stop' : 'tool_calls';
      const head = { id: `chatcmpl-${n}`, created: 1_767_225_600, model: body.model ?? 'scripted' };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: unknown, finish_reason: string | null) =>
          `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] })}\n\n`;
        res.write(chunk({ role: 'assistant', content: '' }, null));
        if ('content' in reply) res.write(chunk({ content: reply.content }, null));
        else {
          res.write(
            chunk(
              {
                tool_calls: message.tool_calls!.map((c, index) => ({ index, ...c })),
              },
              null,
            ),
          );
        }
        res.write(chunk({}, finish));
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...head,
          object: 'chat.completion',
          choices: [{ index: 0, message, finish_reason: finish }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
