import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import { DEFAULT_BASE_URL, DEFAULT_CONTEXT } from '../../settings';
import type { Deps, MakeDeps } from '../../deps';

export interface InitOptions {
  name?: string | undefined;
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('init')
    .description('Create or update a context and make it current (prompts on a terminal for what is missing)')
    .option('--name <context>', 'context name (default: the current context, else "default")')
    .addHelpText(
      'after',
      '\nUses the global --base-url and --api-key flags, then XEROCTL_BASE_URL / XEROCTL_API_KEY.',
    )
    .action(async (opts: { name?: string }, cmd: Command) => {
      const deps = make(cmd);
      await run({ name: opts.name, baseUrl: deps.globals.baseUrl, apiKey: deps.globals.apiKey }, deps);
    });
}

export async function run(opts: InitOptions, deps: Deps): Promise<void> {
  const data = deps.config.load();
  const interactive = deps.io.stdin.isTTY;
  let name = opts.name ?? deps.globals.context ?? data.current_context;
  if (!name && interactive)
    name = (await deps.io.prompt(`Context name [${DEFAULT_CONTEXT}]: `)).trim() || undefined;
  name ??= DEFAULT_CONTEXT;

  const existing = data.contexts[name] ?? {};
  let baseUrl = opts.baseUrl ?? deps.env.XEROCTL_BASE_URL;
  if (!baseUrl && interactive) {
    const suggestion = existing.base_url ?? DEFAULT_BASE_URL;
    baseUrl = (await deps.io.prompt(`Server URL [${suggestion}]: `)).trim() || suggestion;
  }
  baseUrl = (baseUrl ?? existing.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new UsageError(`base URL must start with http:// or https://, got "${baseUrl}"`);
  }

  let apiKey = opts.apiKey ?? deps.env.XEROCTL_API_KEY;
  if (!apiKey && interactive) {
    apiKey =
      (await deps.io.prompt('API key (empty to log in later with "xeroctl auth login"): ', {
        secret: true,
      })) || undefined;
  }

  const context = { ...existing, base_url: baseUrl };
  if (apiKey && apiKey !== existing.api_key) {
    // A new key may belong to another project; whoami will tell on first use.
    context.api_key = apiKey;
    delete context.project_id;
    delete context.project_slug;
  }
  deps.config.save({ ...data, current_context: name, contexts: { ...data.contexts, [name]: context } });

  if (deps.out.isJson) {
    deps.out.json({
      context: name,
      base_url: baseUrl,
      has_api_key: Boolean(context.api_key),
      path: deps.config.path,
    });
  } else {
    deps.out.note(
      `Saved context "${name}" (${baseUrl}) in ${deps.config.path}; it is now the current context.`,
    );
    if (!context.api_key) deps.out.note('No API key yet: run "xeroctl auth login --email <you>".');
  }
}
