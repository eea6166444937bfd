import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createRoute, useNavigate, useRouter } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { fetchGraphData } from '../graph/graph-data';
import { GraphLegend } from '../graph/graph-legend';
import { nodeHref, type GraphNode } from '../graph/graph-model';
import { GraphNodeList } from '../graph/graph-node-list';
import '../graph/graph.css';
import { appRoute } from '../routes/app-route';
import { compact, str } from '../routes/search-params';
import { Empty, ErrorState, Loading } from '../ui/states';

/** sigma, graphology and the layout load with this tab only, not with the rest of the dashboard. */
const GraphCanvas = lazy(() => import('../graph/graph-canvas').then((m) => ({ default: m.GraphCanvas })));

/**
 * Workspaces, agents and tools as a live force-directed graph. The query key ['graph'] is
 * refreshed by every agent, workspace, execution, approval and manifest event (live-events.ts);
 * the canvas applies each refresh in place, so the layout stays where it was.
 */
function GraphPage() {
  const { focus, q } = graphRoute.useSearch();
  const navigate = useNavigate({ from: '/graph' });
  const router = useRouter();
  const query = useQuery({ queryKey: ['graph'], queryFn: fetchGraphData, placeholderData: keepPreviousData });

  if (query.isPending) return <Loading what="Loading the graph" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const { model, truncated } = query.data;

  const setFocus = (id: string | undefined) =>
    void navigate({ search: (s) => compact({ ...s, focus: id }), resetScroll: false });
  const setQuery = (text: string) =>
    void navigate({
      search: (s) => compact({ ...s, q: text || undefined }),
      replace: true,
      resetScroll: false,
    });
  const open = (n: GraphNode) => router.history.push(`${router.basepath}${nodeHref(n)}`);

  return (
    <section className="page graph-page">
      <div className="page-head row between">
        <h1>Graph</h1>
        <p className="muted graph-summary" data-testid="graph-summary">
          {model.counts.workspaces} workspaces · {model.counts.agents} agents · {model.counts.tools} tools ·{' '}
          {model.counts.running} running · {model.counts.pending} pending approvals
        </p>
      </div>
      {truncated && (
        <div className="notice">
          This project is larger than the graph loads: each list stops at 20,000 rows.
        </div>
      )}
      {model.nodes.length === 0 ? (
        <Empty title="Nothing to draw yet">
          No workspaces, agents or tools in this project. Enroll an agent (Fleet → join keys) and its
          workspace and tools appear here.
        </Empty>
      ) : (
        <div className="graph-layout">
          <Suspense fallback={<Loading what="Loading the renderer" />}>
            <GraphCanvas model={model} focus={focus} onOpen={open} />
          </Suspense>
          <div className="graph-side">
            <GraphNodeList
              model={model}
              query={q ?? ''}
              focus={focus}
              onQuery={setQuery}
              onFocus={setFocus}
              onOpen={open}
            />
            <GraphLegend model={model} />
          </div>
        </div>
      )}
    </section>
  );
}

export const graphRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/graph',
  validateSearch: (s: Record<string, unknown>): { focus?: string; q?: string } =>
    compact({ focus: str(s.focus), q: str(s.q) }),
  component: GraphPage,
});
