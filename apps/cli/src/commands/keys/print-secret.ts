import type { CreatedKey } from '@xem/protocol';
import type { Deps } from '../../deps';

/**
 * The secret goes alone on stdout (so `KEY=$(xeroctl keys create …)` works); what it is and
 * the warning go to stderr. With `-o json` the whole answer, secret included, is printed.
 */
export function printSecret(deps: Deps, created: CreatedKey, what: string): void {
  if (deps.out.isJson) return deps.out.json(created);
  const k = created.api_key;
  deps.out.note(
    `${what} ${k.name} (${k.id}), scopes ${k.scopes.join(', ')}${k.expires_at ? `, expires ${k.expires_at}` : ''}.`,
  );
  deps.out.note('Copy the key now: it will not be shown again.');
  deps.out.line(created.key);
}
