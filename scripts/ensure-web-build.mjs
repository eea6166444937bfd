// Builds the dashboard (apps/web → apps/web/dist) unless the build is newer than every source
// file it comes from. `npm start` and the test suite run it, so a fresh clone needs no extra step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const web = join(root, 'apps/web');
const built = join(web, 'dist/index.html');
const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  join(root, 'packages/client/src'),
  join(root, 'packages/protocol/src'),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export function webBuildIsFresh() {
  if (!existsSync(built)) return false;
  const at = statSync(built).mtimeMs;
  return sources.every((s) => newest(s) <= at);
}

export function ensureWebBuild() {
  if (process.env.XEM_SKIP_WEB_BUILD === '1' || webBuildIsFresh()) return;
  process.stderr.write('building the dashboard (apps/web)…\n');
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: web,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error(`the dashboard build failed (exit ${r.status})`);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureWebBuild();
