import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import {
  AcceptInvitationRequest,
  ChangePasswordRequest,
  LoginRequest,
  SessionInfo,
  SwitchProjectRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { appendAudit } from '../audit/append-audit';
import { SYSTEM_CHAIN } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { clearSessionCookie, sessionCookieName, setSessionCookie } from '../http/ops-auth';
import { auditContext, principalOf } from '../http/request-context';
import { findUserById, type UserRow } from '../identity/users';
import { acceptInvitation } from '../members/accept-invitation';
import { projectsVisibleTo } from '../projects/projects';
import { sha256Hex } from '../ids';
import { sessionInfo } from './session-info';
import { createSession, deleteSession, killUserSessions } from './session-store';
import { verifyCredentials } from './verify-credentials';

const Ok = z.object({ ok: z.literal(true) });

export function opsSessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, config } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const timeouts = {
    idleSeconds: config.sessionIdleTimeoutSeconds,
    absoluteSeconds: config.sessionAbsoluteTimeoutSeconds,
  };

  /** Starts a fresh session (new id, new CSRF token) and drops the one the browser had. */
  async function startSession(
    req: Parameters<typeof auditContext>[0],
    user: UserRow,
    projectId: string | null,
  ) {
    const old = req.cookies[sessionCookieName(config)];
    return db.transaction().execute(async (trx) => {
      if (old) await deleteSession(trx, sha256Hex(old));
      const projects = await projectsVisibleTo(trx, user);
      const active = projectId ?? projects[0]?.id ?? null;
      const s = await createSession(trx, user.id, active, timeouts, {
        ip: req.ip ?? null,
        userAgent: req.headers['user-agent'] ?? null,
      });
      const ctx = {
        ...auditContext(req),
        actorType: 'user' as const,
        actorId: user.id,
        userId: user.id,
        via: 'dashboard' as const,
      };
      await appendAudit(trx, SYSTEM_CHAIN, ctx, {
        action: 'auth.login',
        targetType: 'user',
        targetId: user.id,
      });
      return s;
    });
  }

  r.post(
    '/ops/login',
    {
      config: { public: true },
      schema: { body: LoginRequest, response: { 200: SessionInfo }, tags: ['ops'] },
    },
    async (req, reply) => {
      const user = await verifyCredentials(deps, auditContext(req), req.body.email, req.body.password);
      const { sessionId, row } = await startSession(req, user, null);
      setSessionCookie(reply, config, sessionId);
      return sessionInfo(db, user, row);
    },
  );

  r.post(
    '/ops/logout',
    { config: { allowPasswordChange: true }, schema: { response: { 200: Ok }, tags: ['ops'] } },
    async (req, reply) => {
      const p = principalOf(req);
      await db.transaction().execute(async (trx) => {
        await deleteSession(trx, p.sessionIdHash!);
        await appendAudit(trx, SYSTEM_CHAIN, auditContext(req), {
          action: 'auth.logout',
          targetType: 'user',
          targetId: p.userId,
        });
      });
      clearSessionCookie(reply, config);
      return { ok: true as const };
    },
  );

  r.get(
    '/ops/session',
    { config: { allowPasswordChange: true }, schema: { response: { 200: SessionInfo }, tags: ['ops'] } },
    async (req) => {
      const p = principalOf(req);
      const user = (await findUserById(db, p.userId))!;
      const session = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', p.sessionIdHash!)
        .executeTakeFirstOrThrow();
      return sessionInfo(db, user, session);
    },
  );

  r.post(
    '/ops/session/project',
    { schema: { body: SwitchProjectRequest, response: { 200: SessionInfo }, tags: ['ops'] } },
    async (req) => {
      const p = principalOf(req);
      const user = (await findUserById(db, p.userId))!;
      const visible = await projectsVisibleTo(db, user);
      const target = visible.find((v) => v.id === req.body.project_id);
      if (!target)
        throw new AppError('project_not_found', `project ${req.body.project_id} was not found`, {
          param: 'project_id',
        });
      const session = await db.transaction().execute(async (trx) => {
        const s = await trx
          .updateTable('sessions')
          .set({ active_project_id: target.id })
          .where('id_hash', '=', p.sessionIdHash!)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(trx, target.id, auditContext(req), {
          action: 'session.switch_project',
          targetType: 'project',
          targetId: target.id,
          before: { project_id: p.projectId },
          after: { project_id: target.id },
        });
        return s;
      });
      return sessionInfo(db, user, session);
    },
  );

  r.post(
    '/ops/password',
    {
      config: { allowPasswordChange: true },
      schema: { body: ChangePasswordRequest, response: { 200: SessionInfo }, tags: ['ops'] },
    },
    async (req, reply) => {
      const p = principalOf(req);
      // A wrong current password is 403, not 401: the session itself is still valid.
      const user = await verifyCredentials(deps, auditContext(req), p.email, req.body.current_password).catch(
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'invalid_credentials') {
            throw new AppError('invalid_credentials', 'current_password is wrong', {
              status: 403,
              param: 'current_password',
            });
          }
          throw err;
        },
      );
      if (req.body.new_password === req.body.current_password) {
        throw new AppError('invalid_body', 'new_password must differ from the current password', {
          param: 'new_password',
        });
      }
      const hash = await deps.hasher.hash(req.body.new_password);
      const { sessionId, row, updated } = await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('users')
          .set({ password_hash: hash, must_change_password: false, password_changed_at: sql<Date>`now()` })
          .where('id', '=', user.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const ended = await killUserSessions(trx, user.id);
        await appendAudit(trx, SYSTEM_CHAIN, auditContext(req), {
          action: 'user.password_change',
          targetType: 'user',
          targetId: user.id,
          after: { sessions_ended: ended },
        });
        const s = await createSession(trx, user.id, p.projectId, timeouts, {
          ip: req.ip ?? null,
          userAgent: req.headers['user-agent'] ?? null,
        });
        return { ...s, updated };
      });
      setSessionCookie(reply, config, sessionId);
      return sessionInfo(db, updated, row);
    },
  );

  r.post(
    '/ops/invitations/accept',
    {
      config: { public: true },
      schema: { body: AcceptInvitationRequest, response: { 200: SessionInfo }, tags: ['ops'] },
    },
    async (req, reply) => {
      const { user, projectId } = await acceptInvitation(deps, auditContext(req), req.body);
      const { sessionId, row } = await startSession(req, user, projectId);
      setSessionCookie(reply, config, sessionId);
      return sessionInfo(db, user, row);
    },
  );
}
