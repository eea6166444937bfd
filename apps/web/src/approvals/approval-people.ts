import type { Approval, ApprovalVote } from '@xem/protocol';

/** An approver spec of a stage in words: `role:owner`, `delegates:<tier>`, a user id, an e-mail. */
export function approverText(spec: string, emails: Map<string, string>): string {
  if (spec === 'role:owner') return 'project owners';
  if (spec.startsWith('delegates:')) return `members delegated for ${spec.slice('delegates:'.length)}`;
  if (spec.startsWith('usr_')) return emails.get(spec) ?? spec;
  if (spec.includes('@')) return `${spec} (e-mailed link)`;
  return spec;
}

/** Who asked: the user (e-mail when known), else the API key. */
export function requesterText(a: Approval, emails: Map<string, string>): string {
  const { user_id, key_id } = a.requested_by;
  if (user_id) return emails.get(user_id) ?? user_id;
  return key_id ? `API key ${key_id}` : 'unknown';
}

/** How they asked: the execution's source, and the API key when one was used. */
export function requestedViaText(a: Approval): string {
  const { key_id, source } = a.requested_by;
  return key_id && a.requested_by.user_id ? `${source}, key ${key_id}` : source;
}

export function voterText(v: ApprovalVote, emails: Map<string, string>): string {
  if (v.email) return v.email;
  if (v.user_id) return emails.get(v.user_id) ?? v.user_id;
  return 'unknown';
}

/** A decided approval's outcome and who/what decided it, for the Decisions list. */
export function decidedByText(a: Approval, emails: Map<string, string>): string {
  const d = a.decided_by;
  if (!d) return a.status === 'timed_out' ? 'nobody (timed out)' : '—';
  const who = d.email ?? (d.user_id ? (emails.get(d.user_id) ?? d.user_id) : 'system');
  return `${who} (${d.via})`;
}
