import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTemplateRequest, type Template } from '@xem/protocol';
import { UsageError } from '../../cli-error';
import { readTemplateFile } from './read-template-file';

/** A template file of the directory, read and checked: the body to create, or why it cannot be. */
export type DirTemplate =
  { file: string; body: CreateTemplateRequest; error: null } | { file: string; body: null; error: string };

/** Where the templates of a directory go: `--workspace` (resolved to an id), or each file's own scope. */
export interface DirTarget {
  workspaceId?: string | undefined;
  /** Turns a file's `workspace_id` (an id or a name) into an id. */
  resolveWorkspace(ref: string): Promise<string>;
}

/** The `*.json` files of `dir` (not hidden, not in subdirectories), sorted by name. */
export function templateFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new UsageError(`cannot read the directory ${dir}: ${(err as Error).message}`);
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.') && statSync(join(dir, n)).isFile())
    .sort();
}

/**
 * Reads every template file of `dir` as `templates create --file` would, then makes it the
 * whole template: fields it leaves out take their defaults (so a line removed from a file is
 * removed from the template), and `--workspace` makes every file a template of that workspace
 * (a file that names another scope or workspace is refused). Two files for the same name in the
 * same scope are both refused: which one wins would depend on the order.
 */
export async function readTemplateDir(dir: string, target: DirTarget): Promise<DirTemplate[]> {
  const read: DirTemplate[] = [];
  for (const file of templateFiles(dir)) {
    try {
      read.push({ file, body: await checkFile(join(dir, file), target), error: null });
    } catch (err) {
      read.push({ file, body: null, error: (err as Error).message });
    }
  }
  const byKey = new Map<string, string[]>();
  for (const t of read) if (t.body) byKey.set(keyOf(t.body), [...(byKey.get(keyOf(t.body)) ?? []), t.file]);
  return read.map((t) => {
    const same = t.body ? byKey.get(keyOf(t.body))! : [];
    if (same.length < 2) return t;
    const others = same.filter((f) => f !== t.file).join(', ');
    return { file: t.file, body: null, error: `${describeTarget(t.body!)} is also defined by ${others}` };
  });
}

async function checkFile(path: string, target: DirTarget): Promise<CreateTemplateRequest> {
  const raw = await readTemplateFile(path, () => Promise.reject(new Error('no stdin here')), 'the file');
  // What `show -o json` prints has `workspace_id: null` outside the workspace scope.
  if (raw.workspace_id === null) delete raw.workspace_id;
  if (target.workspaceId !== undefined) {
    if (raw.scope !== undefined && raw.scope !== 'workspace') {
      throw new Error(`scope is "${String(raw.scope)}", but --workspace makes workspace templates`);
    }
    if (raw.workspace_id !== undefined) {
      const named =
        typeof raw.workspace_id === 'string' ? await target.resolveWorkspace(raw.workspace_id) : null;
      if (named !== target.workspaceId) {
        throw new Error(
          `workspace_id is ${JSON.stringify(raw.workspace_id)}, not the --workspace ${target.workspaceId}`,
        );
      }
    }
    raw.scope = 'workspace';
    raw.workspace_id = target.workspaceId;
  } else if (typeof raw.workspace_id === 'string') {
    raw.workspace_id = await target.resolveWorkspace(raw.workspace_id);
  }
  const parsed = CreateTemplateRequest.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

/** Names are unique per scope: per workspace, per project, platform-wide. */
function keyOf(b: CreateTemplateRequest): string {
  return JSON.stringify([b.scope, b.workspace_id ?? null, b.name]);
}

/** `the project template "triage"`, `the workspace template "triage" of ws_…`. */
export function describeTarget(b: Pick<CreateTemplateRequest, 'scope' | 'workspace_id' | 'name'>): string {
  const of = b.scope === 'workspace' ? ` of ${b.workspace_id}` : '';
  return `the ${b.scope} template "${b.name}"${of}`;
}

/** The fields of a version, as an update sends them: the file's whole content. */
export function versionFieldsOf(b: CreateTemplateRequest) {
  return {
    name: b.name,
    description: b.description,
    system_prompt: b.system_prompt,
    allowed_tools: b.allowed_tools,
    approval_policy: b.approval_policy,
    applicable_workspace_types: b.applicable_workspace_types,
    tags: b.tags,
    metadata: b.metadata,
  };
}

/**
 * Whether the template's current version already holds what the file says. Lists are sets (the
 * server stores them sorted, each entry once) and metadata is compared by value, whatever the
 * order of its keys.
 */
export function sameContent(t: Template, b: CreateTemplateRequest): boolean {
  const set = (v: readonly string[]) => JSON.stringify([...new Set(v)].sort());
  return (
    t.name === b.name &&
    t.description === b.description &&
    t.system_prompt === b.system_prompt &&
    t.approval_policy === b.approval_policy &&
    set(t.allowed_tools) === set(b.allowed_tools) &&
    set(t.applicable_workspace_types) === set(b.applicable_workspace_types) &&
    set(t.tags) === set(b.tags) &&
    canonical(t.metadata) === canonical(b.metadata)
  );
}

/** JSON with object keys sorted at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
