import type { XemClient } from '@xem/client';
import type { Workspace } from '@xem/protocol';
import { CliError } from '../../cli-error';
import { splitList } from '../../flag-parsers';

const WORKSPACE_ID = /^ws_[a-z0-9]+$/;

/**
 * The management routes take a workspace id; people type names. An id is used as it is, a name
 * is looked up in the project's workspaces (all pages).
 */
export async function resolveWorkspaceId(client: XemClient, ref: string): Promise<string> {
  if (WORKSPACE_ID.test(ref)) return ref;
  return (await findWorkspace(client, ref)).id;
}

/** `--workspace a,ws_2` of the streams, which filter on ids: each name becomes its id. */
export async function resolveWorkspaceIds(
  client: XemClient,
  list: string | undefined,
): Promise<string[] | undefined> {
  if (list === undefined) return undefined;
  return Promise.all(splitList(list).map((w) => resolveWorkspaceId(client, w)));
}

export async function findWorkspace(client: XemClient, ref: string): Promise<Workspace> {
  let cursor: string | undefined;
  do {
    const page = await client.listWorkspaces({ limit: 500, cursor });
    const hit = page.data.find((w) => w.id === ref) ?? page.data.find((w) => w.name === ref);
    if (hit) return hit;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  throw new CliError(`no workspace with the id or name "${ref}"; see "xeroctl workspaces list"`);
}
