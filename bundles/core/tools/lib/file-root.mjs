import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ToolError } from './io.mjs';

/** The directory every file tool is confined to (the agent sets XEM_FILE_ROOT). */
export function fileRoot() {
  const root = process.env.XEM_FILE_ROOT;
  if (!root) throw new ToolError('XEM_FILE_ROOT is not set: file tools only work under a configured root');
  try {
    return realpathSync(root);
  } catch {
    throw new ToolError(`XEM_FILE_ROOT ${root} does not exist`);
  }
}

const inside = (root, p) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** The deepest existing ancestor of `p` (itself when it exists), resolved through symlinks. */
function realAncestor(p) {
  let cur = p;
  for (;;) {
    try {
      return { real: realpathSync(cur), rest: relative(cur, p) };
    } catch (err) {
      if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') throw err;
      const up = dirname(cur);
      if (up === cur) throw err;
      cur = up;
    }
  }
}

/**
 * Resolves a user path under the root. Refused: `..` segments, NUL bytes, absolute paths outside
 * the root, and anything whose existing part resolves (through symlinks) outside the root. The
 * last component itself may be a symlink only when `allowFinalLink` (delete removes the link, it
 * never follows it).
 * Returns { root, path (absolute, real parent), rel (relative to the root for output) }.
 */
export function resolveUnderRoot(userPath, { allowFinalLink = false } = {}) {
  if (typeof userPath !== 'string' || userPath === '')
    throw new ToolError('argument path must be a non-empty string', 2);
  if (userPath.includes('\0')) throw new ToolError('path contains a NUL byte', 2);
  if (userPath.split(/[\\/]+/).includes('..'))
    throw new ToolError(`path ${userPath} contains "..": refused`, 2);
  const root = fileRoot();
  const rawRoot = resolve(process.env.XEM_FILE_ROOT);
  let abs;
  if (isAbsolute(userPath)) {
    const p = resolve(userPath);
    if (inside(root, p)) abs = p;
    else if (inside(rawRoot, p)) abs = join(root, relative(rawRoot, p));
    else throw new ToolError(`path ${userPath} is outside the file root ${rawRoot}: refused`, 2);
  } else {
    abs = resolve(root, userPath);
  }
  if (abs === root) return { root, path: root, rel: '.', stat: lstatSync(root) };
  // Check the parent through symlinks, then the final component on its own.
  const parent = realAncestor(dirname(abs));
  const realParent = join(parent.real, parent.rest);
  if (!inside(root, realParent))
    throw new ToolError(`path ${userPath} leads outside the file root through a symlink: refused`, 2);
  const path = join(realParent, basename(abs));
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  if (st?.isSymbolicLink() && !allowFinalLink) {
    let target;
    try {
      target = realpathSync(path);
    } catch {
      throw new ToolError(`path ${userPath} is a dangling symlink: refused`, 2);
    }
    if (!inside(root, target))
      throw new ToolError(`path ${userPath} is a symlink out of the file root: refused`, 2);
  }
  return { root, path, rel: relative(root, path) || '.', stat: st };
}
