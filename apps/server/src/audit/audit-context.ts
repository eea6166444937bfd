import type { AuditVia } from '@xem/protocol';

/** Who did something and how; taken from the request once and passed to every writer. */
export interface AuditContext {
  actorType: 'user' | 'api_key' | 'agent' | 'link' | 'system' | 'anonymous';
  actorId: string | null;
  /** The user behind an API key, when the actor is a key. */
  userId: string | null;
  via: AuditVia;
  requestId: string | null;
  ip: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = {
  actorType: 'system',
  actorId: null,
  userId: null,
  via: 'system',
  requestId: null,
  ip: null,
};

/** Audit chain for things that happen outside any project (failed logins, unknown keys). */
export const SYSTEM_CHAIN = 'system';
