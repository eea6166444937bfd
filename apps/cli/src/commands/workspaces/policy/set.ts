import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { resolveWorkspaceId } from '../resolve-workspace';
import { policyFields } from './policy-fields';
import { readPolicyFile } from './read-policy-file';

export interface SetOptions {
  workspace: string;
  file: string;
}

export function command(make: MakeDeps): Command {
  return new Command('set')
    .description("Store a new version of a workspace's approval policy (owners only)")
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .requiredOption('--file <path>', 'the policy as JSON or YAML ({levels: {…}}; - reads stdin)')
    .action(async (workspace: string, opts: Omit<SetOptions, 'workspace'>, cmd: Command) =>
      run({ workspace, ...opts }, make(cmd)),
    );
}

export async function run(opts: SetOptions, deps: Deps): Promise<void> {
  const body = await readPolicyFile(opts.file, () => deps.io.stdin.readAll());
  const client = await deps.projectClient();
  const id = await resolveWorkspaceId(client, opts.workspace);
  // Only to tell the person whether anything changed: an unchanged PUT stores no version.
  const before = await client.getApprovalPolicy(id);
  const policy = await client.putApprovalPolicy(id, body);
  deps.out.record(policyFields(policy), policy);
  if (deps.out.isJson) return;
  deps.out.note(
    policy.version === before.version
      ? `Nothing changed: workspace ${opts.workspace} keeps approval policy version ${policy.version}.`
      : `Stored approval policy version ${policy.version} of workspace ${opts.workspace}; levels not in the file kept their current value.`,
  );
}
