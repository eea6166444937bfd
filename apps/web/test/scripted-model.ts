import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request the model server received: headers that matter and the parsed body. */
export interface ModelRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    messages: Array<{ role: string; content?: string | null; tool_call_id?: string; tool_calls?: unknown[] }>;
    tools?: Array<{ type: string; function: { name: string } }>;
  };
}

/** What the scripted model answers to a conversation: a tool call, or text. */
export type ModelStep = { tool: string; args: Record<string, unknown> } | { text: string };

export interface ScriptedModel {
  /** Base URL to pass as XEM_MODEL_URL (`http://127.0.0.1:<port>/v1`). */
  url: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => ok(s));
    req.on('error', fail);
  });
}

/** The answer as a `chat.completion` object, or as `chat.completion.chunk` SSE frames. */
function respond(res: ServerResponse, step: ModelStep, model: string, n: number, stream: boolean): void {
  const id = `chatcmpl-scripted-${n}`;
  const created = Math.floor(Date.now() / 1000);
  const call =
    'tool' in step
      ? {
          id: `call_scripted_${n}`,
          type: 'function',
          function: { name: step.tool, arguments: JSON.stringify(step.args) },
        }
      : null;
  const finish = call ? 'tool_calls' : 'stop';
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: call ? null : (step as { text: string }).text,
              ...(call ? { tool_calls: [call] } : {}),
            },
            finish_reason: finish,
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null) =>
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason }] })}\n\n`,
    );
  if (call) chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, ...call }] }, null);
  else chunk({ role: 'assistant', content: (step as { text: string }).text }, null);
  chunk({}, finish);
  res.end('data: [DONE]\n\n');
}

/**
 * A tiny OpenAI-compatible chat completions server on 127.0.0.1 standing in for a model:
 * `script` decides each answer from the conversation it is sent (stateless, so a retried
 * request gets the same answer). Answers JSON, or SSE chunks when the request says `stream`.
 * Every request is recorded for the test to inspect.
 */
export async function startScriptedModel(
  script: (messages: ModelRequest['body']['messages']) => ModelStep,
): Promise<ScriptedModel> {
  const requests: ModelRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' },
          }),
        );
        return;
      }
      const body = JSON.parse(raw) as ModelRequest['body'];
      requests.push({ path: req.url, authorization: req.headers.authorization, body });
      respond(res, script(body.messages), body.model ?? 'scripted', requests.length, body.stream === true);
    })().catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
    });
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the scripted model has no port');
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
