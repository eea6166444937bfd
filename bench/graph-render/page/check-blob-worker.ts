import Graph from 'graphology';
import FA2LayoutSupervisor from 'graphology-layout-forceatlas2/worker';

/**
 * Whether the package's own FA2 worker (a blob: URL) runs under the dashboard's CSP: it moves the
 * nodes if it does. Resolves 'runs' or 'blocked'.
 */
export async function checkBlobWorker(): Promise<string> {
  const g = new Graph();
  for (let i = 0; i < 20; i++) g.addNode(String(i), { x: Math.random(), y: Math.random() });
  for (let i = 1; i < 20; i++) g.addEdge('0', String(i));
  const before = g.getNodeAttribute('1', 'x') as number;
  try {
    const layout = new FA2LayoutSupervisor(g, { settings: { gravity: 1 } });
    layout.start();
    await new Promise((r) => setTimeout(r, 1500));
    layout.kill();
  } catch (e) {
    return `blocked (${e instanceof Error ? e.message : String(e)})`;
  }
  return g.getNodeAttribute('1', 'x') !== before ? 'runs' : 'blocked';
}
