import iterate from 'graphology-layout-forceatlas2/iterate.js';
import type { LayoutReply, LayoutRequest } from './fa2-layout';

/**
 * ForceAtlas2 off the main thread. A file Vite bundles and serves from /ops/assets (CSP
 * `script-src 'self'` covers it), instead of the package's own worker, which is a blob: URL.
 */
interface WorkerScope {
  addEventListener(type: 'message', l: (e: MessageEvent<LayoutRequest>) => void): void;
  postMessage(message: LayoutReply, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let edges = new Float32Array(0);

scope.addEventListener('message', (e) => {
  const req = e.data;
  const nodes = new Float32Array(req.nodes);
  if (req.edges) edges = new Float32Array(req.edges);
  for (let i = 0; i < req.iterations; i++) iterate(req.settings, nodes, edges);
  scope.postMessage({ nodes: nodes.buffer }, [nodes.buffer]);
});
