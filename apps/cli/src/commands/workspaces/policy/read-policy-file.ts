import { readFileSync } from 'node:fs';
import type { PutApprovalPolicyRequest } from '@xem/protocol';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../../cli-error';

/** Fields of a policy as `show --json` prints it that the server sets, not the caller. */
const READ_ONLY = ['workspace_id', 'version', 'updated_at', 'updated_by'];

/**
 * The body of `policy set --file`: a JSON file (`.json`) or YAML (anything else, which also
 * reads JSON; `-` is stdin). It holds `{levels: {…}}`; a policy saved with `show --json` works
 * too, its server-set fields being dropped. Everything else goes to the server as written, so
 * the server's validation names any mistake.
 */
export async function readPolicyFile(
  path: string,
  readStdin: () => Promise<string>,
): Promise<PutApprovalPolicyRequest> {
  const text = path === '-' ? await readStdin() : readText(path);
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(
      `--file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML or JSON'}: ${(err as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('levels' in value)) {
    throw new UsageError(
      `--file ${path} must hold an object with "levels" (see "xeroctl workspaces policy show --json")`,
    );
  }
  const body = { ...(value as Record<string, unknown>) };
  for (const key of READ_ONLY) delete body[key];
  return body as PutApprovalPolicyRequest;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
