#!/usr/bin/env node
// Writes a UTF-8 file under XEM_FILE_ROOT, replacing it atomically (the same call twice leaves
// the same file, so the tool is idempotent). Missing parent directories are created.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { resolveUnderRoot } from './lib/file-root.mjs';
import { onlyKeys, runTool, stringArg, ToolError } from './lib/io.mjs';

const MAX_CONTENT_BYTES = 10 * 1024 * 1024;

await runTool((args) => {
  onlyKeys(args, ['path', 'content', 'mode']);
  if (typeof args.content !== 'string') throw new ToolError('argument content must be a string', 2);
  const bytes = Buffer.byteLength(args.content, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) throw new ToolError(`content is larger than ${MAX_CONTENT_BYTES} bytes`, 2);
  const modeText = stringArg(args, 'mode', { fallback: '0644' });
  if (!/^0?[0-7]{3}$/.test(modeText)) throw new ToolError('mode must be octal permissions like "0644"', 2);
  const mode = parseInt(modeText, 8);
  const { path, rel, root, stat } = resolveUnderRoot(args.path);
  if (path === root) throw new ToolError('path must name a file, not the file root', 2);
  if (stat?.isDirectory()) throw new ToolError(`${rel} is a directory`, 2);
  mkdirSync(dirname(path), { recursive: true });
  // Write beside, then rename: readers never see half a file, and a symlink at the path is
  // replaced rather than followed.
  const tmp = join(dirname(path), `.${basename(path)}.xem-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, args.content, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ToolError(`cannot write ${rel}: ${err.code ?? err.message}`);
  }
  return { path: rel, bytes, mode: `0${mode.toString(8)}`, created: stat === undefined };
});
