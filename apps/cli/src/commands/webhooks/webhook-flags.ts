import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@xem/protocol';
import { InvalidArgumentError } from 'commander';

/**
 * `exec.completed,failed` → checked, de-duplicated event types; the `exec.` prefix may be left
 * out. A usage error names the unknown ones and lists the choices.
 */
export function eventTypeList(value: string): WebhookEventType[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('exec.') ? s : `exec.${s}`));
  if (parts.length === 0) throw new InvalidArgumentError('name at least one event type');
  const unknown = parts.filter((p) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown event type ${unknown.join(', ')}; choose from ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    );
  }
  return [...new Set(parts)] as WebhookEventType[];
}

/** Repeatable `--metadata key=value`: collects the pairs into one object. */
export function metadataPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
