/** Counts animation frames for `ms` while `onFrame` runs in each; returns frames per second. */
export function meterFrames(
  ms: number,
  onFrame: (t: number) => void,
): Promise<{ fps: number; longestMs: number }> {
  return new Promise((done) => {
    const start = performance.now();
    let frames = 0;
    let last = start;
    let longest = 0;
    const loop = (t: number) => {
      longest = Math.max(longest, t - last);
      last = t;
      onFrame(t - start);
      frames++;
      if (t - start < ms) requestAnimationFrame(loop);
      else done({ fps: (frames * 1000) / (t - start), longestMs: longest });
    };
    requestAnimationFrame(loop);
  });
}

/** Resolves after the next two frames: what was drawn before is on screen. */
export const painted = () =>
  new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
