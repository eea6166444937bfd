import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN } from '../audit/audit-context';
import { findUserById } from '../identity/users';
import { safeEqual } from '../ids';
import { roleIn } from '../projects/projects';
import { findLiveSession, touchSession } from '../sessions/session-store';
import { AppError } from './app-error';
import { isSameOriginRequest, isStateChanging } from './origin-check';
import { auditContext } from './request-context';

export const CSRF_HEADER = 'x-csrf-token';

export function sessionCookieName(config: Config): string {
  return config.secureCookies ? '__Host-xem_session' : 'xem_session';
}

export function setSessionCookie(reply: FastifyReply, config: Config, sessionId: string): void {
  void reply.setCookie(sessionCookieName(config), sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: config.sessionAbsoluteTimeoutSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(sessionCookieName(config), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
  });
}

/**
 * Guards every /ops route: Origin check on state-changing requests, then the session (unless
 * the route is public), then the CSRF token on state-changing requests, then the
 * must-change-password gate.
 */
export function registerOpsAuth(app: FastifyInstance, deps: { config: Config; db: Kysely<Database> }): void {
  const { config, db } = deps;
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.principal = null;
    const changing = isStateChanging(req.method);
    if (changing && !isSameOriginRequest(req, config.baseUrl)) {
      await auditDenied(db, SYSTEM_CHAIN, auditContext(req), {
        action: 'auth.origin_refused',
        after: { method: req.method, path: req.url.split('?')[0], origin: req.headers.origin ?? null },
      });
      throw new AppError('origin_forbidden', 'cross-site request refused');
    }
    const cookie = req.cookies[sessionCookieName(config)];
    const session = cookie ? await findLiveSession(db, cookie, config.sessionIdleTimeoutSeconds) : undefined;
    const user = session ? await findUserById(db, session.user_id) : undefined;
    if (session && user) {
      const role = session.active_project_id ? await roleIn(db, session.active_project_id, user.id) : null;
      req.principal = {
        kind: 'session',
        userId: user.id,
        email: user.email,
        isAdmin: user.is_admin,
        projectId: session.active_project_id && (role || user.is_admin) ? session.active_project_id : null,
        role,
        keyId: null,
        scopes: [],
        sessionIdHash: session.id_hash,
        csrfToken: session.csrf_token,
        mustChangePassword: user.must_change_password,
      };
    }
    const routeConfig = req.routeOptions.config;
    if (routeConfig.public) return;
    if (!session || !user) {
      if (cookie) clearSessionCookie(reply, config);
      throw new AppError(
        cookie ? 'session_expired' : 'authentication_required',
        cookie ? 'your session has ended; sign in again' : 'sign in at /ops/login first',
      );
    }
    if (changing) {
      const presented = req.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !safeEqual(presented, session.csrf_token)) {
        await auditDenied(db, req.principal?.projectId ?? SYSTEM_CHAIN, auditContext(req), {
          action: 'auth.csrf_refused',
          after: { method: req.method, path: req.url.split('?')[0] },
        });
        throw new AppError(
          'csrf_token_invalid',
          `missing or wrong ${CSRF_HEADER} header; read it from GET /ops/session`,
        );
      }
    }
    if (user.must_change_password && !routeConfig.allowPasswordChange) {
      throw new AppError(
        'password_change_required',
        'change your initial password first (POST /ops/password)',
      );
    }
    await touchSession(db, session.id_hash);
  });
}
