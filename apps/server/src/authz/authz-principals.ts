/**
 * Who calls, in the authorization matrix. People present a dashboard session on `/ops` and the
 * API key `POST /v1/auth/token` gives them elsewhere; the `key_*` principals are keys of one
 * scope each, minted by project A's owner; `key_other_project` is a full key of project B.
 */
export const PRINCIPALS = [
  'owner',
  'member',
  'delegate',
  'non_member',
  'admin',
  'key_execution',
  'key_management',
  'key_inference',
  'key_other_project',
  'agent',
  'anonymous',
] as const;

export type Principal = (typeof PRINCIPALS)[number];
