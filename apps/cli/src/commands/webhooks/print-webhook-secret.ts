import type { CreatedWebhook } from '@xem/protocol';
import type { Deps } from '../../deps';

/**
 * Like `keys create`: the secret alone on stdout (so `SECRET=$(…)` works), what it belongs to
 * and the warning on stderr; with `-o json` the whole answer, secret included.
 */
export function printWebhookSecret(deps: Deps, created: CreatedWebhook, what: string): void {
  if (deps.out.isJson) return deps.out.json(created);
  const w = created.webhook;
  deps.out.note(`${what} ${w.id} → ${w.url} (${w.events.join(', ')}).`);
  deps.out.note(
    'Copy the signing secret now: it will not be shown again. Receivers verify X-Xem-Signature with it.',
  );
  deps.out.line(created.secret);
}
