import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Where the test run's builds go: gitignored, per worktree (never under a shared node_modules).
 * Paths under it mirror the repository's.
 */
export const TEST_BUILD_DIR = join(ROOT, '.test-build');

/** `xeroctl` (apps/cli/src/main.ts) as one JavaScript file that plain `node` runs. */
export const XEROCTL_JS = join(TEST_BUILD_DIR, 'apps/cli/bin/xeroctl.mjs');
/** `xem-agent` (apps/agent/src/main.ts), likewise, where the bin file is in the mirror. */
export const AGENT_JS = join(TEST_BUILD_DIR, 'apps/agent/bin/xem-agent.mjs');
/** The server (apps/server/src/main.ts), likewise. */
export const SERVER_JS = join(TEST_BUILD_DIR, 'apps/server/main.mjs');

/** Finds the agent's bin from its own `import.meta.url` to start the local agent. */
const LOCAL_AGENT_SOURCE = join(ROOT, 'apps/server/src/local-agent.ts');

const ENTRIES: [entry: string, out: string][] = [
  ['apps/cli/src/main.ts', XEROCTL_JS],
  ['apps/agent/src/main.ts', AGENT_JS],
  ['apps/server/src/main.ts', SERVER_JS],
];

/**
 * Every module keeps its own `import.meta.url` (the source file's URL), so paths it resolves
 * from it (package.json, migrations, the tool bundles, the dashboard build) are the same as when
 * tsx runs the sources. One exception: the server's local-agent.ts gets its URL in the mirror,
 * so the test server's local agent is the agent's test build (AGENT_JS) rather than its bin file
 * through tsx; `seen` records that it was built.
 */
function importMetaUrls(seen: Set<string>): Plugin {
  return {
    name: 'import-meta-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        seen.add(args.path);
        const url =
          args.path === LOCAL_AGENT_SOURCE ? join(TEST_BUILD_DIR, relative(ROOT, args.path)) : args.path;
        return {
          contents: (await readFile(args.path, 'utf8')).replaceAll(
            'import.meta.url',
            JSON.stringify(pathToFileURL(url).href),
          ),
          loader: 'ts',
        };
      });
    },
  };
}

/**
 * Third-party packages are not bundled: each import is resolved here, the way Node resolves it
 * from the importing source file, and left as an import of that absolute file. So Node loads
 * the very files it loads under tsx (a nested node_modules included); the workspace's own
 * TypeScript packages (@xem/*) are bundled.
 */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@xem/') || args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'inner',
      });
      if (r.errors.length > 0) return { errors: r.errors };
      return { path: r.external ? args.path : r.path, external: true };
    });
  },
};

/**
 * Builds the CLI, the agent and the server for the test run (vitest's global setup calls it),
 * each into one file, so that each process a test spawns runs plain `node <file>` instead of
 * paying for tsx's loader and per-file TypeScript transforms at every start. They are the same
 * entry points (main.ts) running as separate processes; only the loading differs. Takes a
 * second or so.
 */
export async function buildTestBins(): Promise<void> {
  const seen = new Set<string>();
  await Promise.all(
    ENTRIES.map(async ([entry, out]) => {
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        write: false,
        outfile: out,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Node's own conditions: no bundler-only `module` entry points.
        conditions: ['node'],
        plugins: [importMetaUrls(seen), externalPackages],
        logLevel: 'warning',
      });
      // Written whole and renamed, so a process started meanwhile never reads half a file.
      mkdirSync(dirname(out), { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, result.outputFiles[0]!.contents);
      renameSync(tmp, out);
    }),
  );
  if (!seen.has(LOCAL_AGENT_SOURCE))
    throw new Error(`test build: the server no longer builds ${LOCAL_AGENT_SOURCE}; update test-bins.ts`);
}
