import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddMemberRequest,
  AddMemberResponse,
  Invitation,
  ListQuery,
  listOf,
  Member,
  SetRoleRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import {
  addMember,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
  setMemberRole,
} from './members-service';

const UserParams = z.object({ user_id: z.string().min(1).max(64) });
const InvitationParams = z.object({ invitation_id: z.string().min(1).max(64) });
const Ok = z.object({ ok: z.literal(true) });

/**
 * Membership management, mounted under `/:project_id/v1/management/project` (API key,
 * `management` scope) and `/ops/api` (dashboard session, active project).
 */
export function membersRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [base.startsWith('/ops') ? 'ops' : 'management'];
  const membersDeps = {
    db: deps.db,
    hasher: deps.hasher,
    baseUrl: deps.config.baseUrl,
    invitationTtlHours: deps.config.invitationTtlHours,
  };

  r.get(
    `${base}/members`,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Member) }, tags } },
    async (req) => listMembers(deps.db, projectOf(req), req.query),
  );

  r.post(
    `${base}/members`,
    { config, schema: { body: AddMemberRequest, response: { 201: AddMemberResponse }, tags } },
    async (req, reply) =>
      reply.status(201).send(await addMember(membersDeps, actorOf(req), projectOf(req), req.body)),
  );

  r.patch(
    `${base}/members/:user_id`,
    { config, schema: { params: UserParams, body: SetRoleRequest, response: { 200: Member }, tags } },
    async (req) => setMemberRole(deps.db, actorOf(req), projectOf(req), req.params.user_id, req.body.role),
  );

  r.delete(
    `${base}/members/:user_id`,
    { config, schema: { params: UserParams, response: { 200: Ok }, tags } },
    async (req) => {
      await removeMember(deps.db, actorOf(req), projectOf(req), req.params.user_id);
      return { ok: true as const };
    },
  );

  r.get(
    `${base}/invitations`,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Invitation) }, tags } },
    async (req) => listInvitations(deps.db, actorOf(req), projectOf(req), req.query),
  );

  r.delete(
    `${base}/invitations/:invitation_id`,
    { config, schema: { params: InvitationParams, response: { 200: Ok }, tags } },
    async (req) => {
      await revokeInvitation(deps.db, actorOf(req), projectOf(req), req.params.invitation_id);
      return { ok: true as const };
    },
  );
}
