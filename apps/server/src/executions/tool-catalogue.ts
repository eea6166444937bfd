import type { Kysely } from 'kysely';
import { RISK_ORDER, type ListQuery, type Risk, type Tool } from '@xem/protocol';
import type { Database } from '../db/schema';
import { decodeCursor, keysetAfter, pageOf } from '../http/keyset-cursor';

/**
 * The project's tool catalogue: the union of the manifests of its agents that are not revoked.
 * When agents disagree about a tool the strictest entry wins (highest risk, lowest timeout,
 * idempotent and MCP-visible only if every agent says so); description, domain and params come
 * from the first agent by registration name, so the answer is stable.
 */
export async function listTools(
  db: Kysely<Database>,
  projectId: string,
  names?: readonly string[],
): Promise<Tool[]> {
  if (names !== undefined && names.length === 0) return [];
  const rows = await db
    .selectFrom('agent_tools as t')
    .innerJoin('agents as a', 'a.id', 't.agent_id')
    .select([
      't.name',
      't.description',
      't.risk',
      't.domain',
      't.timeout_ms',
      't.idempotent',
      't.mcp_visible',
      't.params',
      'a.id as agent_id',
      'a.registration_name',
      'a.status as agent_status',
    ])
    .where('a.project_id', '=', projectId)
    .where('a.status', '!=', 'revoked')
    .$if(names !== undefined, (q) => q.where('t.name', 'in', names!))
    .orderBy('t.name')
    .orderBy('a.registration_name')
    .execute();
  if (rows.length === 0) return [];
  const bindings = await db
    .selectFrom('workspace_agents')
    .select(['agent_id', 'workspace_id'])
    .where('agent_id', 'in', [...new Set(rows.map((r) => r.agent_id))])
    .execute();

  const tools = new Map<string, Tool>();
  for (const r of rows) {
    let tool = tools.get(r.name);
    if (!tool) {
      tool = {
        name: r.name,
        description: r.description,
        risk: r.risk,
        domain: r.domain,
        timeout_ms: r.timeout_ms,
        idempotent: r.idempotent,
        mcp_visible: r.mcp_visible,
        params: r.params as Record<string, unknown>,
        agents: [],
        workspace_ids: [],
      };
      tools.set(r.name, tool);
    }
    tool.risk = stricterRisk(tool.risk, r.risk);
    tool.timeout_ms = Math.min(tool.timeout_ms, r.timeout_ms);
    tool.idempotent &&= r.idempotent;
    tool.mcp_visible &&= r.mcp_visible;
    tool.agents.push({ id: r.agent_id, registration_name: r.registration_name, status: r.agent_status });
    for (const b of bindings) {
      if (b.agent_id === r.agent_id && !tool.workspace_ids.includes(b.workspace_id)) {
        tool.workspace_ids.push(b.workspace_id);
      }
    }
  }
  for (const t of tools.values()) t.workspace_ids.sort();
  return [...tools.values()];
}

export async function findTool(db: Kysely<Database>, projectId: string, name: string): Promise<Tool | null> {
  return (await listTools(db, projectId, [name]))[0] ?? null;
}

/**
 * One keyset page of the catalogue, by tool name (unique in the catalogue, so the cursor is the
 * `text` key of the last name): the page's names first, then their tools.
 */
export async function listToolsPage(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Tool[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'text');
  const names = await db
    .selectFrom('agent_tools as t')
    .innerJoin('agents as a', 'a.id', 't.agent_id')
    .select('t.name')
    .distinct()
    .where('a.project_id', '=', projectId)
    .where('a.status', '!=', 'revoked')
    .$if(after !== null, (b) => b.where(keysetAfter(['t.name'], after!, 'text', 'asc')))
    .orderBy('t.name')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(names, q.limit, (r) => [r.name]);
  const data = await listTools(
    db,
    projectId,
    page.rows.map((r) => r.name),
  );
  return { data, next_cursor: page.next_cursor };
}

function stricterRisk(a: Risk, b: Risk): Risk {
  return RISK_ORDER.indexOf(b) > RISK_ORDER.indexOf(a) ? b : a;
}

/**
 * Every distinct params schema the project's agents declare for a tool. Arguments must satisfy
 * all of them: whichever agent ends up running the tool accepts them.
 */
export async function toolParamSchemas(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<Record<string, unknown>[]> {
  const rows = await db
    .selectFrom('agent_tools as t')
    .innerJoin('agents as a', 'a.id', 't.agent_id')
    .select('t.params')
    .where('a.project_id', '=', projectId)
    .where('a.status', '!=', 'revoked')
    .where('t.name', '=', name)
    .orderBy('a.registration_name')
    .execute();
  const seen = new Map<string, Record<string, unknown>>();
  for (const r of rows) seen.set(JSON.stringify(r.params), r.params as Record<string, unknown>);
  return [...seen.values()];
}
