import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, ManifestTool } from '@xem/protocol';
import { canonicalJson } from './canonical-json';
import { writePrivateFile } from './write-private-file';

export interface VersionedManifest {
  manifest: Manifest;
  /** sha256 hex of the canonical JSON of `manifest`. */
  hash: string;
  /** Bumped whenever the hash changes; survives restarts through the state directory. */
  version: number;
}

export function manifestHash(manifest: Manifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

/** Builds the manifest (tools sorted by name) and gives it the persisted version for its hash. */
export function versionManifest(stateDir: string, tools: ManifestTool[]): VersionedManifest {
  const manifest: Manifest = { tools: [...tools].sort((a, b) => (a.name < b.name ? -1 : 1)) };
  const hash = manifestHash(manifest);
  const file = join(stateDir, 'manifest-version.json');
  let previous: { hash?: unknown; version?: unknown } = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
  } catch {
    // First run, or an unreadable file: start over at version 1.
  }
  const prevVersion = Number.isInteger(previous.version) ? (previous.version as number) : 0;
  if (previous.hash === hash && prevVersion >= 1) return { manifest, hash, version: prevVersion };
  const version = prevVersion + 1;
  writePrivateFile(file, `${JSON.stringify({ hash, version })}\n`);
  return { manifest, hash, version };
}
