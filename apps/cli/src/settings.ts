import type { ConfigData, Context, Env } from './config-file';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
export const DEFAULT_CONTEXT = 'default';

export type Source = 'flag' | 'env' | 'context' | 'default';

export interface ConnectionFlags {
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  context?: string | undefined;
}

/** Where the CLI will connect and as whom, after applying flag > env > context > default. */
export interface Settings {
  contextName: string;
  /** The stored context, when there is one by that name. */
  context: Context | undefined;
  /** True when the user named the context with --context (a missing one is then an error). */
  contextFromFlag: boolean;
  baseUrl: string;
  baseUrlSource: Source;
  apiKey: string | undefined;
  apiKeySource: Source | undefined;
  /**
   * The context's project, only when the key also comes from the context: a key from a flag
   * or the environment may belong to any project.
   */
  projectId: string | undefined;
}

function pick(flag: string | undefined, env: string | undefined, ctx: string | undefined) {
  if (flag) return { value: flag, source: 'flag' as const };
  if (env) return { value: env, source: 'env' as const };
  if (ctx) return { value: ctx, source: 'context' as const };
  return undefined;
}

export function resolveSettings(flags: ConnectionFlags, env: Env, config: ConfigData): Settings {
  const contextName = flags.context || config.current_context || DEFAULT_CONTEXT;
  const context = config.contexts[contextName];
  const baseUrl = pick(flags.baseUrl, env.XEROCTL_BASE_URL, context?.base_url);
  const apiKey = pick(flags.apiKey, env.XEROCTL_API_KEY, context?.api_key);
  return {
    contextName,
    context,
    contextFromFlag: Boolean(flags.context),
    baseUrl: (baseUrl?.value ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    baseUrlSource: baseUrl?.source ?? 'default',
    apiKey: apiKey?.value,
    apiKeySource: apiKey?.source,
    projectId: apiKey?.source === 'context' ? context?.project_id : undefined,
  };
}
