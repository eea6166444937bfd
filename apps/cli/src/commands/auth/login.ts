import { hostname } from 'node:os';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { readSecret } from '../../read-secret';

export interface LoginOptions {
  email: string;
  passwordStdin?: boolean | undefined;
  project?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('login')
    .description('Sign in with e-mail and password; mints an API key and saves it in the context')
    .requiredOption('--email <email>', 'your account e-mail')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .option('--project <id|slug>', 'project to act on (needed when you belong to several)')
    .addHelpText('after', '\nThe key is saved in the context named by --context (default: the current one).')
    .action(async (opts: LoginOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: LoginOptions, deps: Deps): Promise<void> {
  const settings = deps.settings();
  const password = await readSecret(deps.io, {
    fromStdin: opts.passwordStdin === true,
    prompt: `Password for ${opts.email}: `,
    flag: '--password-stdin',
  });
  const client = deps.connect(settings.baseUrl);
  const token = await client.createToken({
    email: opts.email,
    password,
    project: opts.project,
    name: `xeroctl on ${hostname()}`.slice(0, 100),
  });

  const data = deps.config.load();
  const name = settings.contextName;
  data.contexts[name] = {
    ...data.contexts[name],
    base_url: settings.baseUrl,
    api_key: token.key,
    project_id: token.project_id,
    project_slug: token.project_slug,
  };
  deps.config.save({ ...data, current_context: name });

  const summary = {
    context: name,
    base_url: settings.baseUrl,
    project_id: token.project_id,
    project_slug: token.project_slug,
    key_id: token.api_key.id,
    scopes: token.api_key.scopes,
  };
  if (deps.out.isJson) return deps.out.json(summary);
  deps.out.note(
    `Logged in to ${settings.baseUrl} as ${opts.email}, project ${token.project_slug} (${token.project_id}).\n` +
      `Key ${token.api_key.prefix}… (${token.api_key.scopes.join(', ')}) saved in context "${name}" (${deps.config.path}).`,
  );
}
