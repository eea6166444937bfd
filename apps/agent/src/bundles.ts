import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManifestTool, ToolName } from '@xem/protocol';
import { z } from 'zod';
import type { Logger } from './logger';

/** A tool as a bundle declares it: the manifest entry plus the argv that runs it. */
export const BundleTool = ManifestTool.omit({ bundle: true }).extend({
  command: z.array(z.string().min(1)).min(1),
});

export const BundleManifest = z.object({
  description: z.string().max(2000).optional(),
  tools: z.array(BundleTool).min(1).max(1000),
});

/** A runnable tool from a bundle; `command` has its relative paths resolved. */
export interface BundleToolSpec {
  manifest: ManifestTool;
  command: string[];
  bundleDir: string;
}

const BundleName = ToolName;

/**
 * Argv elements that start with `./` or `../` are files of the bundle; `node` is the Node.js
 * running the agent, so bundles work on hosts where node is not on PATH.
 */
const isBundleRelative = (part: string) => part.startsWith('./') || part.startsWith('../');

function resolveCommand(bundleDir: string, command: string[]): string[] {
  return command.map((part, i) => {
    if (i === 0 && part === 'node') return process.execPath;
    if (isBundleRelative(part)) return resolve(bundleDir, part);
    return part;
  });
}

function loadBundle(dir: string, name: string, log: Logger): BundleToolSpec[] | undefined {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    log.warn({ bundle: name, file }, 'bundle skipped: no manifest.json');
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    log.error(
      { bundle: name, file, err: (err as Error).message },
      'bundle skipped: manifest.json is not JSON',
    );
    return undefined;
  }
  const parsed = BundleManifest.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    log.error({ bundle: name, file, issues }, 'bundle skipped: invalid manifest');
    return undefined;
  }
  const specs: BundleToolSpec[] = [];
  for (const tool of parsed.data.tools) {
    const command = resolveCommand(dir, tool.command);
    const missing = command.find((p, i) => isBundleRelative(tool.command[i]!) && !existsSync(p));
    if (missing) {
      log.error({ bundle: name, tool: tool.name, missing }, 'bundle skipped: a command file does not exist');
      return undefined;
    }
    const { command: _command, ...entry } = tool;
    specs.push({ manifest: { ...entry, bundle: name }, command, bundleDir: dir });
  }
  return specs;
}

/**
 * Loads every `<toolsDir>/<bundle>/manifest.json`. A broken bundle is logged and skipped as a
 * whole (half a bundle is more surprising than none); a tool name already taken (by a built-in
 * or an earlier bundle, in directory order) is skipped with a warning.
 */
export function loadBundles(toolsDir: string, taken: ReadonlySet<string>, log: Logger): BundleToolSpec[] {
  let names: string[];
  try {
    names = readdirSync(toolsDir).sort();
  } catch (err) {
    log.warn(
      { tools_dir: toolsDir, err: (err as Error).message },
      'tools directory not readable: no bundles',
    );
    return [];
  }
  const seen = new Set(taken);
  const out: BundleToolSpec[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(toolsDir, name);
    if (!statSync(dir).isDirectory()) continue;
    if (!BundleName.safeParse(name).success) {
      log.error({ bundle: name }, 'bundle skipped: directory name must be a lowercase tool-style name');
      continue;
    }
    const specs = loadBundle(dir, name, log);
    if (!specs) continue;
    for (const spec of specs) {
      if (seen.has(spec.manifest.name)) {
        log.warn({ bundle: name, tool: spec.manifest.name }, 'tool skipped: name already provided');
        continue;
      }
      seen.add(spec.manifest.name);
      out.push(spec);
    }
    log.info({ bundle: name, tools: specs.map((s) => s.manifest.name) }, 'bundle loaded');
  }
  return out;
}
