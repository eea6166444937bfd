import {
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type Simulation,
  type SimulationNodeDatum,
} from 'd3-force';
import type { Positions, SetGraph, ToWorker } from './force-protocol';

/**
 * d3-force off the main thread: a file Vite bundles and serves from /ops/assets, so the CSP's
 * `script-src 'self'` covers it (no blob: URL). It ticks in slices of ~12 ms and posts the
 * positions after each slice until the simulation cools down.
 */
interface WorkerScope {
  addEventListener(type: 'message', l: (e: MessageEvent<ToWorker>) => void): void;
  postMessage(message: Positions, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

interface Node extends SimulationNodeDatum {
  r: number;
}

let sim: Simulation<Node, undefined> | null = null;
let nodes: Node[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
let gen = 0;

function post(running: boolean): void {
  const x = new Float32Array(nodes.length);
  const y = new Float32Array(nodes.length);
  nodes.forEach((n, i) => {
    x[i] = n.x ?? 0;
    y[i] = n.y ?? 0;
  });
  scope.postMessage({ type: 'positions', gen, x, y, running }, [x.buffer, y.buffer]);
}

function slice(): void {
  timer = null;
  if (!sim) return;
  const until = performance.now() + 12;
  while (performance.now() < until && sim.alpha() >= sim.alphaMin()) sim.tick();
  const running = sim.alpha() >= sim.alphaMin();
  post(running);
  if (running) timer = setTimeout(slice, 0);
}

function set(m: SetGraph): void {
  gen = m.gen;
  nodes = Array.from(m.x, (x, i) => ({ x, y: m.y[i]!, r: m.r[i]! }));
  const links = [];
  for (let i = 0; i < m.links.length; i += 2) {
    links.push({ source: m.links[i]!, target: m.links[i + 1]!, length: m.lengths[i / 2]! });
  }
  const many = nodes.length > 2000;
  sim = forceSimulation(nodes)
    .force(
      'link',
      forceLink(links)
        .distance((l) => l.length)
        .strength(0.7),
    )
    .force(
      'charge',
      forceManyBody<Node>()
        .strength((n) => -30 - n.r * 6)
        .theta(many ? 1.2 : 0.9)
        .distanceMax(many ? 400 : Infinity),
    )
    .force('x', forceX<Node>(0).strength(0.03))
    .force('y', forceY<Node>(0).strength(0.03))
    .alpha(m.alpha)
    .alphaMin(0.01)
    .stop();
  if (!timer) timer = setTimeout(slice, 0);
}

scope.addEventListener('message', (e) => {
  if (e.data.type === 'set') set(e.data);
  else if (sim) {
    sim.alpha(0);
    post(false);
  }
});
