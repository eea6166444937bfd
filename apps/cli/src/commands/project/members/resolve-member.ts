import type { XemClient } from '@xem/client';
import { CliError } from '../../../cli-error';
import { fetchPages } from '../../../list-pages';

/** Accepts a user id or, for convenience, a member's e-mail (looked up in the whole member list). */
export async function resolveMemberId(client: XemClient, ref: string): Promise<string> {
  if (!ref.includes('@')) return ref;
  const members = await fetchPages({}, (q) => client.listMembers(q));
  const found = members.data.find((m) => m.email.toLowerCase() === ref.toLowerCase());
  if (!found)
    throw new CliError(`${ref} is not a member of this project; see "xeroctl project members list"`);
  return found.user_id;
}
