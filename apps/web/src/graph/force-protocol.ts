/** Messages between the page and the force layout worker (force.worker.ts). */
export interface SetGraph {
  type: 'set';
  /** Bumped on every set; positions carry it, so stale ones are dropped. */
  gen: number;
  /** Node positions and radii, in the order of the page's node list. */
  x: Float32Array;
  y: Float32Array;
  r: Float32Array;
  /** Pairs of node indices, and each link's rest length. */
  links: Uint32Array;
  lengths: Float32Array;
  /** 1 for a fresh layout; less after a live update, so the placed nodes barely move. */
  alpha: number;
}
export interface Stop {
  type: 'stop';
}
export type ToWorker = SetGraph | Stop;

export interface Positions {
  type: 'positions';
  gen: number;
  x: Float32Array;
  y: Float32Array;
  /** False with the last positions of a run (the simulation cooled down or was stopped). */
  running: boolean;
}
