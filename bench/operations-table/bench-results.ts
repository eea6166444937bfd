/** What the benchmark page (page/) hands back to run.ts. */
export interface ModelResult {
  name: string;
  rows: number;
  /** Median ms: TanStack filter + sort on top of the built core row model (a sort or filter change). */
  tableFilterSortMs: number;
  /** Median ms: Array.prototype.filter + sort. */
  referenceMs: number;
  sameOrder: boolean;
}

export interface RenderResult {
  /** ms from render() to React's commit of the first 100k-row table (row model + visible rows). */
  mountCommitMs: number;
  /** ms from render() to the second animation frame after it (layout and paint done). */
  mountFrameMs: number;
  /** ms to commit a sort change (new row model + re-render of the visible rows). */
  resortCommitMs: number;
  domRows: number;
  scroll: {
    seconds: number;
    frames: number;
    fps: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    longFrames: number;
    rowsScrolled: number;
    maxDomRows: number;
  };
}

/** The page's `window.bench`. */
export interface BenchApi {
  model(o: { rows: number; seed: number; iterations: number }): { coreMs: number; results: ModelResult[] };
  render(o: { rows: number; seed: number; seconds: number; pxPerFrame: number }): Promise<RenderResult>;
}
