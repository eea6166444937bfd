import type { ManifestTool } from '@xem/protocol';
import { BUILTIN_TOOLS } from './builtin-tools';
import { loadBundles } from './bundles';
import type { Logger } from './logger';
import { versionManifest, type VersionedManifest } from './manifest-state';
import type { ToolSpec } from './runner';

export interface AgentTools {
  specs: ReadonlyMap<string, ToolSpec>;
  manifest: VersionedManifest;
}

/** Built-ins plus every loadable bundle, with the manifest the router gets for them. */
export function loadAgentTools(toolsDir: string, stateDir: string, log: Logger): AgentTools {
  const specs = new Map<string, ToolSpec>();
  for (const tool of BUILTIN_TOOLS) specs.set(tool.manifest.name, { kind: 'builtin', tool });
  for (const spec of loadBundles(toolsDir, new Set(specs.keys()), log))
    specs.set(spec.manifest.name, { kind: 'bundle', spec });
  const entries: ManifestTool[] = [...specs.values()].map((s) =>
    s.kind === 'builtin' ? s.tool.manifest : s.spec.manifest,
  );
  return { specs, manifest: versionManifest(stateDir, entries) };
}
