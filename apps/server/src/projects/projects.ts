import type { Kysely, Selectable } from 'kysely';
import type { Project, ProjectRole, SessionProject } from '@xem/protocol';
import type { Database, ProjectsTable } from '../db/schema';
import { newId } from '../ids';

export type ProjectRow = Selectable<ProjectsTable>;

export function toProject(p: ProjectRow): Project {
  return { id: p.id, slug: p.slug, name: p.name, created_at: p.created_at.toISOString() };
}

/** Creates a project with its default workspace (every project has one). */
export async function insertProject(trx: Kysely<Database>, slug: string, name: string): Promise<ProjectRow> {
  const project = await trx
    .insertInto('projects')
    .values({ id: newId('proj'), slug, name })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('workspaces')
    .values({
      id: newId('ws'),
      project_id: project.id,
      name: 'default',
      type: 'generic',
      description: '',
      is_default: true,
    })
    .execute();
  return project;
}

export function findProject(db: Kysely<Database>, idOrSlug: string): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
}

export async function roleIn(
  db: Kysely<Database>,
  projectId: string,
  userId: string,
): Promise<ProjectRole | null> {
  const m = await db
    .selectFrom('memberships')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return m?.role ?? null;
}

/** The projects a user can open: their memberships, or every project for an admin. */
export async function projectsVisibleTo(
  db: Kysely<Database>,
  user: { id: string; is_admin: boolean },
): Promise<SessionProject[]> {
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('memberships as m', (j) => j.onRef('m.project_id', '=', 'p.id').on('m.user_id', '=', user.id))
    .select(['p.id', 'p.slug', 'p.name', 'p.created_at', 'm.role'])
    .$if(!user.is_admin, (q) => q.where('m.role', 'is not', null))
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({ ...toProject(r), role: r.role ?? null }));
}
