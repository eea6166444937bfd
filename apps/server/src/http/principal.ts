import type { ProjectRole, Scope } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import { AppError } from './app-error';

/** The authenticated caller of a request, whichever way it authenticated. */
export interface Principal {
  kind: 'session' | 'api_key';
  userId: string;
  email: string;
  isAdmin: boolean;
  /** Active project (session) or the key's project. */
  projectId: string | null;
  role: ProjectRole | null;
  keyId: string | null;
  scopes: Scope[];
  /** Session only: hash of the session id and its CSRF token. */
  sessionIdHash: string | null;
  csrfToken: string | null;
  mustChangePassword: boolean;
}

/** What a service needs to know about who acts, plus how to audit it. */
export interface Actor {
  userId: string;
  isAdmin: boolean;
  role: ProjectRole | null;
  ctx: AuditContext;
}

export function isOwner(actor: { isAdmin: boolean; role: ProjectRole | null }): boolean {
  return actor.isAdmin || actor.role === 'owner';
}

export function assertOwner(actor: Actor, what: string): void {
  if (!isOwner(actor)) throw new AppError('owner_required', `only project owners can ${what}`);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** API-key scope a project route needs (a list: any one of them). */
    scope?: Scope | readonly Scope[];
    /** `/ops` routes reachable without a session (login, invitation accept). */
    public?: boolean;
    /** `/ops` routes allowed while the password must still be changed. */
    allowPasswordChange?: boolean;
  }
}
