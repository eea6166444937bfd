import type { Tool } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { formatDurationMs } from './execution-columns';

export interface ToolShowOptions {
  name: string;
}

export function command(make: MakeDeps): Command {
  return new Command('tool-show')
    .description('Show one tool: risk, domain, timeout, idempotency, MCP visibility, parameters, agents')
    .argument('<name>', 'tool name, e.g. system_info')
    .action(async (name: string, _opts: unknown, cmd: Command) => run({ name }, make(cmd)));
}

export async function run(opts: ToolShowOptions, deps: Deps): Promise<void> {
  const tool = await (await deps.projectClient()).getTool(opts.name);
  deps.out.record(
    [
      ['NAME', tool.name],
      ['DESCRIPTION', tool.description],
      ['RISK', tool.risk],
      ['DOMAIN', tool.domain],
      ['TIMEOUT', formatDurationMs(tool.timeout_ms)],
      ['IDEMPOTENT', tool.idempotent],
      ['MCP_VISIBLE', tool.mcp_visible],
      ['AGENTS', tool.agents.map((a) => `${a.registration_name} (${a.id}, ${a.status})`)],
      ['WORKSPACES', tool.workspace_ids],
      ['PARAMS', JSON.stringify(tool.params)],
    ],
    tool,
  );
  // People at a terminal get the parameters spelled out; pipes keep one field per line.
  if (!deps.out.isJson && deps.io.stdout.isTTY) printParams(deps, tool);
}

interface PropertySchema {
  type?: unknown;
  description?: unknown;
  enum?: unknown;
  default?: unknown;
}

function printParams(deps: Deps, tool: Tool): void {
  const properties = (tool.params.properties ?? {}) as Record<string, PropertySchema>;
  const names = Object.keys(properties);
  if (names.length === 0) return deps.out.line('\nNo parameters.');
  const required = new Set(Array.isArray(tool.params.required) ? (tool.params.required as string[]) : []);
  deps.out.line('');
  deps.out.list(
    names,
    [
      { header: 'PARAM', value: (n) => n },
      { header: 'TYPE', value: (n) => typeOf(properties[n]!) },
      { header: 'REQUIRED', value: (n) => required.has(n) },
      {
        header: 'DEFAULT',
        value: (n) => (properties[n]!.default === undefined ? null : JSON.stringify(properties[n]!.default)),
      },
      {
        header: 'DESCRIPTION',
        value: (n) => (typeof properties[n]!.description === 'string' ? properties[n]!.description : null),
      },
    ],
    tool.params,
  );
}

function typeOf(p: PropertySchema): string {
  if (Array.isArray(p.enum)) return p.enum.map((v) => JSON.stringify(v)).join('|');
  if (Array.isArray(p.type)) return p.type.join('|');
  return typeof p.type === 'string' ? p.type : 'any';
}
