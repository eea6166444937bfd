import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';

/** A workspace of the project by id (`ws_…`) or by name; another project's is not found. */
export async function findWorkspace(
  db: Kysely<Database>,
  projectId: string,
  idOrName: string,
): Promise<{ id: string; name: string; type: string }> {
  const ws = await db
    .selectFrom('workspaces')
    .select(['id', 'name', 'type'])
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    // An id match wins over a workspace that happens to be named like another's id.
    .orderBy((eb) => eb.case().when('id', '=', idOrName).then(0).else(1).end())
    .limit(1)
    .executeTakeFirst();
  if (!ws) {
    throw new AppError('not_found', `workspace ${idOrName} was not found in this project`, {
      param: 'workspace',
    });
  }
  return ws;
}
