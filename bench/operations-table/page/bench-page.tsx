import { lookupsOf } from '../../../apps/web/src/operations/lookups-of';
import { BENCH_AGENTS, BENCH_WORKSPACES, generateExecutions } from '../generate-executions';
import type { BenchApi } from '../bench-results';
import { runModel } from './model-bench';
import { runRender } from './render-bench';
import '../../../apps/web/src/styles.css';
import '../../../apps/web/src/operations/operations.css';

declare global {
  interface Window {
    bench: BenchApi;
  }
}

const NOW = Date.now();
const names = lookupsOf(BENCH_AGENTS, BENCH_WORKSPACES);

window.bench = {
  model: ({ rows, seed, iterations }) =>
    runModel(generateExecutions(rows, seed, NOW), names, NOW, iterations, BENCH_AGENTS[7]!.id),
  render: ({ rows, seed, seconds, pxPerFrame }) =>
    runRender(generateExecutions(rows, seed, NOW), names, seconds, pxPerFrame),
};
