import { Command } from 'commander';
import { CliError, UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { templateIdOf, WORKSPACE_FLAG_HELP, type TemplateRef } from './template-ref';

export interface DeleteOptions extends TemplateRef {
  force?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('delete')
    .description('Delete a template (its versions are kept for the chats that use them; owners)')
    .argument('<template>', 'template id (tpl_…) or name')
    .option('--force', 'do not ask for confirmation')
    .option('--workspace <workspace>', WORKSPACE_FLAG_HELP)
    .action(async (template: string, opts: Omit<DeleteOptions, 'template'>, cmd: Command) =>
      run({ template, ...opts }, make(cmd)),
    );
}

export async function run(opts: DeleteOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const id = await templateIdOf(client, opts);
  if (!opts.force) {
    const t = await client.templates.get(id);
    if (!deps.io.stdin.isTTY) {
      throw new UsageError(
        `deleting template ${t.name} (${t.id}) needs --force when there is no terminal to ask on`,
      );
    }
    deps.out.note(`Template ${t.name} (${t.id}) is a ${t.scope} template at version ${t.version}.`);
    const typed = await deps.io.prompt('Type its name to delete it: ');
    if (typed !== t.name) throw new CliError(`"${typed}" is not "${t.name}"; nothing was deleted`);
  }
  const t = await client.templates.delete(id);
  if (deps.out.isJson) return deps.out.json(t);
  deps.out.note(
    `Deleted template ${t.name} (${t.id}); its ${t.version} version(s) stay stored for existing chats.`,
  );
}
