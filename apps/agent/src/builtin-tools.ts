import { setTimeout as delay } from 'node:timers/promises';
import type { ManifestTool } from '@xem/protocol';

export interface BuiltinOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A tool that runs inside the agent process; it must stop promptly when `signal` aborts. */
export interface BuiltinTool {
  manifest: ManifestTool;
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<BuiltinOutput>;
}

const noParams = { type: 'object', properties: {}, additionalProperties: false };

const echo: BuiltinTool = {
  manifest: {
    name: 'echo',
    description: 'Returns its arguments as JSON. Checks the path from the API to an agent and back.',
    risk: 'read',
    domain: 'diagnostics',
    timeout_ms: 10_000,
    idempotent: true,
    mcp_visible: true,
    params: { type: 'object', additionalProperties: true },
    bundle: 'builtin',
  },
  run: async (args) => ({ stdout: `${JSON.stringify(args)}\n`, stderr: '', exitCode: 0 }),
};

const sleep: BuiltinTool = {
  manifest: {
    name: 'sleep',
    description:
      'Waits `ms` milliseconds, then completes. Occupies a slot; useful to test capacity and cancel.',
    risk: 'read',
    domain: 'diagnostics',
    timeout_ms: 600_000,
    idempotent: true,
    mcp_visible: false,
    params: {
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 3_600_000 } },
      required: ['ms'],
      additionalProperties: false,
    },
    bundle: 'builtin',
  },
  run: async (args, signal) => {
    const ms = typeof args.ms === 'number' && args.ms >= 0 ? args.ms : 0;
    await delay(ms, undefined, { signal });
    return { stdout: `${JSON.stringify({ slept_ms: ms })}\n`, stderr: '', exitCode: 0 };
  },
};

const noop: BuiltinTool = {
  manifest: {
    name: 'noop',
    description: 'Does nothing and completes at once.',
    risk: 'read',
    domain: 'diagnostics',
    timeout_ms: 10_000,
    idempotent: true,
    mcp_visible: false,
    params: noParams,
    bundle: 'builtin',
  },
  run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
};

export const BUILTIN_TOOLS: readonly BuiltinTool[] = [echo, sleep, noop];
