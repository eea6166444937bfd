import { api } from '../ops-client';
import { buildGraphModel, type GraphModel } from './graph-model';

/** 500 rows a page (the API's maximum) and at most 40 pages (20,000 rows) of each list. */
const PAGE = 500;
const MAX_PAGES = 40;

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Every row of one list, following the cursors; `truncated` if it stopped at MAX_PAGES. */
async function all<T>(
  fetchPage: (q: { limit: number; cursor?: string }) => Promise<Page<T>>,
): Promise<{ rows: T[]; truncated: boolean }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(cursor ? { limit: PAGE, cursor } : { limit: PAGE });
    rows.push(...page.data);
    if (!page.next_cursor) return { rows, truncated: false };
    cursor = page.next_cursor;
  }
  return { rows, truncated: true };
}

export interface GraphData {
  model: GraphModel;
  /** A list was longer than what the page loads (20,000 rows). */
  truncated: boolean;
}

/**
 * The graph of the active project: workspaces, agents (with their workspace ids), tools (with the
 * agents that offer them), running executions, pending approvals and accepted discovered
 * components (hanging off their agents), all through the API.
 */
export async function fetchGraphData(): Promise<GraphData> {
  const [workspaces, agents, tools, running, pending, components] = await Promise.all([
    all((q) => api.listWorkspaces(q)),
    all((q) => api.listAgents(q)),
    all((q) => api.listTools(q)),
    all((q) => api.listExecutions({ ...q, status: ['dispatched'] })),
    all((q) => api.listApprovals({ ...q, status: ['pending'] })),
    all((q) => api.discovery.list({ ...q, status: 'accepted' })),
  ]);
  return {
    model: buildGraphModel({
      workspaces: workspaces.rows,
      agents: agents.rows,
      tools: tools.rows,
      running: running.rows,
      pending: pending.rows,
      components: components.rows,
    }),
    truncated: [workspaces, agents, tools, running, pending, components].some((l) => l.truncated),
  };
}
