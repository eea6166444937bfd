import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A config file path in a new temp directory; removeTempConfigs() deletes them all. */
export function tempConfigPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xeroctl-unit-'));
  made.push(dir);
  return join(dir, 'config.toml');
}

export function removeTempConfigs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
