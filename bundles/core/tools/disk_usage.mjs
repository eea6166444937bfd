#!/usr/bin/env node
// Space and inodes of the file system holding `path` (statfs), as `df` shows them.
import { statfsSync } from 'node:fs';
import { onlyKeys, runTool, stringArg, ToolError } from './lib/io.mjs';

await runTool((args) => {
  onlyKeys(args, ['path']);
  const path = stringArg(args, 'path', { fallback: '/' });
  let s;
  try {
    s = statfsSync(path);
  } catch (err) {
    throw new ToolError(`cannot stat the file system of ${path}: ${err.message}`);
  }
  const total = s.blocks * s.bsize;
  const free = s.bfree * s.bsize;
  const available = s.bavail * s.bsize;
  const used = total - free;
  // Like df: the share of the space non-root users can have that is taken.
  const usable = used + available;
  return {
    path,
    total_bytes: total,
    used_bytes: used,
    free_bytes: free,
    available_bytes: available,
    used_percent: usable > 0 ? Math.round((used / usable) * 1000) / 10 : 0,
    inodes: { total: s.files, free: s.ffree, used: s.files - s.ffree },
  };
});
