import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { resolveWorkspaceId } from '../resolve-workspace';
import { policyFields } from './policy-fields';

export interface ShowOptions {
  workspace: string;
  policyVersion?: number | undefined;
  json?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return (
    new Command('show')
      .description('Show the approval policy in force for a workspace, or one of its versions')
      .argument('<workspace>', 'workspace id (ws_…) or name')
      // Not `--version`: that is the global flag printing xeroctl's own version, wherever it stands.
      .option(
        '--policy-version <n>',
        'this version instead of the current one (0 is the built-in default)',
        intInRange(0, 2_147_483_647),
      )
      .option('--json', 'print the policy as JSON (same as -o json)')
      .action(async (workspace: string, opts: Omit<ShowOptions, 'workspace'>, cmd: Command) =>
        run({ workspace, ...opts }, make(cmd)),
      )
  );
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const id = await resolveWorkspaceId(client, opts.workspace);
  const policy =
    opts.policyVersion === undefined
      ? await client.getApprovalPolicy(id)
      : await client.getApprovalPolicyVersion(id, opts.policyVersion);
  if (opts.json || deps.out.isJson) return deps.out.json(policy);
  deps.out.record(policyFields(policy), policy);
  if (policy.version === 0 && deps.out.isTty) {
    deps.out.note('This is the built-in default: no policy was ever set for this workspace.');
  }
}
