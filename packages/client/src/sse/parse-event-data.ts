import type { SseEvent } from '@xem/protocol';
import type { z } from 'zod';
import { XemApiError } from '../xem-api-error';

/**
 * An event's `data` as JSON checked against its protocol schema. A payload the protocol does
 * not allow is `unexpected_response`, as for any other answer of the server.
 */
export function parseEventData<T extends z.ZodType>(schema: T, e: SseEvent): z.output<T> {
  const what = `stream event ${e.event}${e.id ? ` (id ${e.id})` : ''}`;
  let json: unknown;
  try {
    json = JSON.parse(e.data);
  } catch {
    throw unexpected(`${what} carries data that is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw unexpected(`${what} carries data the protocol does not allow: ${issues}`);
}

function unexpected(message: string): XemApiError {
  return new XemApiError({ status: 200, code: 'unexpected_response', message });
}
