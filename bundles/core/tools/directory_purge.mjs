#!/usr/bin/env node
// Removes everything inside a directory under XEM_FILE_ROOT, keeping the directory itself.
// Symlinks inside are removed as links; their targets are never touched.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveUnderRoot } from './lib/file-root.mjs';
import { onlyKeys, runTool, ToolError } from './lib/io.mjs';

await runTool((args) => {
  onlyKeys(args, ['path']);
  const { path, rel, root, stat } = resolveUnderRoot(args.path);
  if (path === root)
    throw new ToolError('refusing to purge the file root itself: name a directory inside it', 2);
  if (!stat) throw new ToolError(`${rel} does not exist`);
  if (!stat.isDirectory()) throw new ToolError(`${rel} is not a directory`, 2);
  const entries = readdirSync(path);
  for (const entry of entries) {
    try {
      rmSync(join(path, entry), { recursive: true, force: true });
    } catch (err) {
      throw new ToolError(`cannot remove ${rel}/${entry}: ${err.code ?? err.message}`);
    }
  }
  return { path: rel, removed_entries: entries.length };
});
