import { buildGraphModel } from '../../../apps/web/src/graph/graph-model';
import { generateFleet } from '../generate-fleet';
import { checkBlobWorker } from './check-blob-worker';
import type { RunResult } from './run-result';
import { runCanvas } from './run-canvas';
import { runReference } from './run-reference';
import { runSigma } from './run-sigma';

declare global {
  interface Window {
    benchResult?:
      | { ok: true; result: RunResult | { blobWorker: string }; cspViolations: string[] }
      | { ok: false; error: string };
  }
}

const cspViolations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) =>
  cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
);

async function main() {
  const q = new URLSearchParams(location.search);
  const renderer = q.get('renderer');
  if (renderer === 'blob-worker') {
    window.benchResult = { ok: true, result: { blobWorker: await checkBlobWorker() }, cspViolations };
    return;
  }
  const model = buildGraphModel(generateFleet(Number(q.get('nodes') ?? 1000), Number(q.get('seed') ?? 1)));
  const stage = document.getElementById('stage')!;
  const phaseMs = Number(q.get('phase-ms') ?? 4000);
  const run = renderer === 'sigma' ? runSigma : renderer === 'canvas' ? runCanvas : runReference;
  const result = await run(model, stage, phaseMs);
  window.benchResult = { ok: true, result, cspViolations };
}

main().catch((e: unknown) => {
  window.benchResult = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
