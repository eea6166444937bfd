import { XemApiError, type XemClient } from '@xem/client';
import type { CreateTemplateRequest, Template } from '@xem/protocol';
import { Command } from 'commander';
import { CliError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import type { Column } from '../../output';
import { describeError, EXIT_AUTH, EXIT_ERROR } from '../../report-error';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { readTemplateDir, sameContent, versionFieldsOf } from './template-dir';

export interface ApplyFromDirOptions {
  dir: string;
  workspace?: string | undefined;
}

/** What happened to one file. */
export interface FileResult {
  file: string;
  action: 'created' | 'updated' | 'unchanged' | 'failed';
  /** The template as it is now; null when the file failed. */
  template: Template | null;
  /** The version before an update. */
  previous_version: number | null;
  error: string | null;
}

const COLUMNS: Column<FileResult>[] = [
  { header: 'FILE', value: (r) => r.file },
  { header: 'ACTION', value: (r) => r.action },
  { header: 'NAME', value: (r) => r.template?.name },
  { header: 'ID', value: (r) => r.template?.id },
  { header: 'SCOPE', value: (r) => r.template?.scope },
  { header: 'VERSION', value: (r) => r.template?.version },
];

export function command(make: MakeDeps): Command {
  return new Command('apply-from-dir')
    .description(
      'Create or update a template for every *.json file of a directory, by name; unchanged ones are left alone (owners)',
    )
    .argument('<dir>', 'directory of template files (the JSON that "templates create --file" takes)')
    .option('--workspace <id|name>', 'make them templates of this workspace')
    .action(async (dir: string, opts: Omit<ApplyFromDirOptions, 'dir'>, cmd: Command) =>
      run({ dir, ...opts }, make(cmd)),
    );
}

/**
 * Reads and checks every file first (readTemplateDir), then applies each valid one in file-name
 * order: no template of that name in its scope → create; one whose current version differs →
 * update to the file's content (a new version); otherwise nothing. A file that cannot be read or
 * applied is reported on stderr with its name and the others go on; the exit is then 1 (4 when
 * the server refused the key, e.g. not an owner).
 */
export async function run(opts: ApplyFromDirOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const workspaceId =
    opts.workspace === undefined ? undefined : await resolveWorkspaceId(client, opts.workspace);
  const files = await readTemplateDir(opts.dir, {
    workspaceId,
    resolveWorkspace: (ref) => resolveWorkspaceId(client, ref),
  });
  if (files.length === 0) {
    deps.out.note(`No *.json files in ${opts.dir}; nothing to apply.`);
    if (deps.out.isJson) deps.out.json({ results: [] });
    return;
  }
  const results: FileResult[] = [];
  let authRefused = false;
  for (const f of files) {
    const failed = (error: string): FileResult => {
      deps.out.note(`error: ${f.file}: ${error}`);
      return { file: f.file, action: 'failed', template: null, previous_version: null, error };
    };
    if (!f.body) {
      results.push(failed(f.error));
      continue;
    }
    try {
      results.push(await applyOne(client, f.file, f.body));
    } catch (err) {
      if (err instanceof XemApiError && err.isAuthError) authRefused = true;
      results.push(failed(describeError(err).replace(/^error: /, '')));
    }
  }
  deps.out.list(results, COLUMNS, { results });
  const failures = results.filter((r) => r.action === 'failed');
  if (!deps.out.isJson) deps.out.note(summary(results));
  if (failures.length > 0) {
    throw new CliError(
      `${failures.length} of ${results.length} file(s) not applied: ${failures.map((r) => r.file).join(', ')}`,
      authRefused ? EXIT_AUTH : EXIT_ERROR,
    );
  }
}

async function applyOne(client: XemClient, file: string, body: CreateTemplateRequest): Promise<FileResult> {
  const existing = await findByName(client, body);
  if (!existing) {
    const created = await client.templates.create(body);
    return { file, action: 'created', template: created, previous_version: null, error: null };
  }
  if (sameContent(existing, body)) {
    return { file, action: 'unchanged', template: existing, previous_version: null, error: null };
  }
  const updated = await client.templates.update(existing.id, versionFieldsOf(body));
  // The server stores nothing when the result equals the current version.
  const action = updated.version === existing.version ? 'unchanged' : 'updated';
  return { file, action, template: updated, previous_version: existing.version, error: null };
}

/** The live template of the file's name in the file's scope (and workspace), if any. */
async function findByName(client: XemClient, body: CreateTemplateRequest): Promise<Template | null> {
  let cursor: string | undefined;
  do {
    const page = await client.templates.list({
      q: body.name,
      scope: body.scope,
      workspace_id: body.workspace_id,
      limit: 500,
      cursor,
    });
    const hit = page.data.find(
      (t) =>
        t.name === body.name &&
        t.scope === body.scope &&
        (body.scope !== 'workspace' || t.workspace_id === body.workspace_id),
    );
    if (hit) return hit;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return null;
}

function summary(results: FileResult[]): string {
  const count = (a: FileResult['action']) => results.filter((r) => r.action === a).length;
  const parts = [
    `${count('created')} created`,
    `${count('updated')} updated`,
    `${count('unchanged')} unchanged`,
    `${count('failed')} failed`,
  ];
  return `${results.length} file(s): ${parts.join(', ')}.`;
}
