import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../cli-error';

/** Fields of a template as `show -o json` prints it that the server sets, not the caller. */
const READ_ONLY = [
  'id',
  'template_id',
  'version',
  'created_by',
  'created_at',
  'updated_by',
  'updated_at',
  'deleted_at',
];

/**
 * The body of `create --file` / `update --file`: JSON (`.json`) or YAML (anything else, which
 * also reads JSON; `-` is stdin), holding the template's fields. A template saved with
 * `show -o json` works as it is: the fields the server sets are dropped. The vendor's layout
 * with `metadata.description` and `metadata.tags` works too: they become `description` and
 * `tags` when those are not given. Everything else goes to the server as written, so its
 * validation names any mistake.
 */
export async function readTemplateFile(
  path: string,
  readStdin: () => Promise<string>,
  /** How errors name the file. */
  what = `--file ${path}`,
): Promise<Record<string, unknown>> {
  const text = path === '-' ? await readStdin() : readText(path);
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(
      `${what} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML or JSON'}: ${(err as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${what} must hold an object with the template's fields (name, system_prompt, …)`);
  }
  const body = { ...(value as Record<string, unknown>) };
  for (const key of READ_ONLY) delete body[key];
  liftFromMetadata(body);
  return body;
}

function liftFromMetadata(body: Record<string, unknown>): void {
  const m = body.metadata;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return;
  const metadata = { ...(m as Record<string, unknown>) };
  for (const key of ['description', 'tags'] as const) {
    if (body[key] === undefined && metadata[key] !== undefined) {
      body[key] = metadata[key];
      delete metadata[key];
    }
  }
  body.metadata = metadata;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
