#!/usr/bin/env node
// Reads a file under XEM_FILE_ROOT: text as UTF-8, anything else as base64, at most max_bytes.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { resolveUnderRoot } from './lib/file-root.mjs';
import { intArg, onlyKeys, runTool, ToolError } from './lib/io.mjs';

function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

await runTool((args) => {
  onlyKeys(args, ['path', 'max_bytes']);
  const maxBytes = intArg(args, 'max_bytes', { min: 1, max: 1_048_576, fallback: 65_536 });
  const { path, rel } = resolveUnderRoot(args.path);
  let fd;
  try {
    // O_NOFOLLOW: the path was checked; a symlink swapped in since then is refused here.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (err.code === 'ENOENT') throw new ToolError(`${rel} does not exist`);
    if (err.code === 'ELOOP') throw new ToolError(`${rel} is a symlink; read its target instead`, 2);
    throw new ToolError(`cannot open ${rel}: ${err.code ?? err.message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ToolError(`${rel} is not a regular file`, 2);
    const buf = Buffer.alloc(Math.min(maxBytes, st.size));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    let data = buf.subarray(0, n);
    let text = utf8(data);
    // The cut at max_bytes may split a character: drop its leading bytes rather than call it binary.
    for (let drop = 1; text === undefined && st.size > n && drop <= 3 && drop < data.length; drop++) {
      text = utf8(data.subarray(0, data.length - drop));
      if (text !== undefined) data = data.subarray(0, data.length - drop);
    }
    // Valid UTF-8 without NUL bytes is text; anything else is binary and goes as base64.
    const isText = text !== undefined && !data.includes(0);
    return {
      path: rel,
      size_bytes: st.size,
      truncated: st.size > data.length,
      encoding: isText ? 'utf8' : 'base64',
      content: isText ? text : data.toString('base64'),
      modified_at: st.mtime.toISOString(),
    };
  } finally {
    closeSync(fd);
  }
});
