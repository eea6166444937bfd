#!/usr/bin/env node
// Deletes one file (or symlink, never its target) under XEM_FILE_ROOT. Deleting what is already
// gone succeeds with deleted: false, so a retry after a lost answer is harmless.
import { rmSync } from 'node:fs';
import { resolveUnderRoot } from './lib/file-root.mjs';
import { onlyKeys, runTool, ToolError } from './lib/io.mjs';

await runTool((args) => {
  onlyKeys(args, ['path']);
  const { path, rel, root, stat } = resolveUnderRoot(args.path, { allowFinalLink: true });
  if (path === root) throw new ToolError('refusing to delete the file root', 2);
  if (!stat) return { path: rel, deleted: false };
  if (stat.isDirectory())
    throw new ToolError(`${rel} is a directory: use directory_purge for its contents`, 2);
  try {
    rmSync(path);
  } catch (err) {
    if (err.code === 'ENOENT') return { path: rel, deleted: false };
    throw new ToolError(`cannot delete ${rel}: ${err.code ?? err.message}`);
  }
  return { path: rel, deleted: true, size_bytes: stat.size };
});
