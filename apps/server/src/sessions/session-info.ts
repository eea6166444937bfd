import type { Kysely } from 'kysely';
import type { SessionInfo } from '@xem/protocol';
import type { Database } from '../db/schema';
import { toUser, type UserRow } from '../identity/users';
import { projectsVisibleTo } from '../projects/projects';
import type { SessionRow } from './session-store';

export async function sessionInfo(
  db: Kysely<Database>,
  user: UserRow,
  session: SessionRow,
): Promise<SessionInfo> {
  const projects = await projectsVisibleTo(db, user);
  const active = projects.some((p) => p.id === session.active_project_id) ? session.active_project_id : null;
  return {
    user: toUser(user),
    projects,
    active_project_id: active,
    csrf_token: session.csrf_token,
    expires_at: session.expires_at.toISOString(),
  };
}
