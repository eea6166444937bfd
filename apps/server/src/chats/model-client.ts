import { z } from 'zod';
import type { ModelConfig } from '../config';

/** A message as OpenAI-compatible chat-completions endpoints take it. */
export type ModelMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ModelToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ModelToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ModelTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().min(1).max(200),
                type: z.literal('function').optional(),
                function: z.object({
                  name: z.string().max(200),
                  arguments: z.string().max(1_000_000).default('{}'),
                }),
              }),
            )
            .nullable()
            .optional(),
        }),
      }),
    )
    .min(1),
});

export interface ModelAnswer {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** Why a model call failed, worded for the chat's transcript. */
export class ModelError extends Error {
  override name = 'ModelError';
}

/**
 * One call of the configured chat-completions endpoint (non-streaming): the transcript and the
 * chat's tools as function definitions in, the assistant's text and tool calls out. Network
 * errors, non-2xx answers, timeouts and bodies of the wrong shape are ModelErrors.
 */
export async function completeChat(
  model: ModelConfig,
  messages: ModelMessage[],
  tools: ModelTool[],
  signal?: AbortSignal,
): Promise<ModelAnswer> {
  const body: Record<string, unknown> = { model: model.name, messages, stream: false };
  if (tools.length > 0) {
    body.tools = tools;
    body.tool_choice = 'auto';
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (model.apiKey) headers.authorization = `Bearer ${model.apiKey}`;
  const timeout = AbortSignal.timeout(model.timeoutMs);
  let res: Response;
  try {
    res = await fetch(model.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    const why = timeout.aborted ? `no answer within ${model.timeoutMs} ms` : (err as Error).message;
    throw new ModelError(`the model endpoint could not be reached: ${why}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    throw new ModelError(`the model endpoint answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelError('the model endpoint answered something that is not JSON');
  }
  const parsed = Completion.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelError(
      `the model endpoint's answer is not a chat completion (${issue.path.join('.') || 'body'}: ${issue.message})`,
    );
  }
  const message = parsed.data.choices[0]!.message;
  return {
    content: message.content ?? null,
    toolCalls: (message.tool_calls ?? []).map((c) => ({
      id: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
    })),
  };
}
