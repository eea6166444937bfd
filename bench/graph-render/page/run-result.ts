export interface RunResult {
  /** From building the graph to its first frame on screen. */
  firstFrameMs: number;
  /** Animation frames per second the page kept while the layout ran. */
  layoutFps: number;
  /** Redraws per second that showed new positions while the layout ran. */
  layoutRendersPerS: number;
  layoutLongestFrameMs: number;
  /** Frames per second while the camera pans every frame (layout stopped). */
  panFps: number;
  panRendersPerS: number;
  panLongestFrameMs: number;
}
