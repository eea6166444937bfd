import { z } from 'zod';
import { ExecutionError } from './executions';
import { Manifest } from './tools';

const ExecRef = { execution_id: z.string().min(1).max(64), attempt: z.number().int().min(1) };

/** Largest text an agent may send in one frame field (output beyond it is truncated by the agent). */
export const MAX_FRAME_TEXT = 1_048_576;

// ---- agent → router ----

export const LeaseRenewalFrame = z.object({
  type: z.literal('lease_renewal'),
  in_flight: z.array(z.object(ExecRef)).max(10_000),
  manifest_hash: z.string().regex(/^[0-9a-f]{64}$/),
  manifest_version: z.number().int().min(1),
  /** Sent when hash or version changed since the last frame the router acknowledged. */
  manifest: Manifest.optional(),
  /** `draining` once the agent stopped taking work (SIGTERM); it still renews until it exits. */
  state: z.enum(['active', 'draining']).default('active'),
});

export const ProgressFrame = z.object({
  type: z.literal('progress'),
  ...ExecRef,
  message: z.string().max(2000).optional(),
  percent: z.number().min(0).max(100).optional(),
});

export const LogFrame = z.object({
  type: z.literal('log'),
  ...ExecRef,
  stream: z.enum(['stdout', 'stderr']),
  data: z.string().max(65_536),
});

export const ResultFrame = z.object({
  type: z.literal('result'),
  ...ExecRef,
  /**
   * `abandoned`: the agent stopped the tool before it finished (shutdown grace over, or lease
   * lost); the router treats it like an agent loss (retry if idempotent, else ambiguous).
   */
  outcome: z.enum(['completed', 'failed', 'timed_out', 'cancelled', 'abandoned']),
  exit_code: z.number().int().nullable(),
  stdout: z.string().max(MAX_FRAME_TEXT),
  stderr: z.string().max(MAX_FRAME_TEXT),
  truncated: z.boolean(),
  duration_ms: z.number().int().min(0),
  error: ExecutionError.optional(),
});
export type ResultFrame = z.infer<typeof ResultFrame>;

export const DiscoveredComponent = z.object({
  kind: z.string().min(1).max(64),
  name: z.string().min(1).max(255),
  address: z.string().max(255).optional(),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type DiscoveredComponent = z.infer<typeof DiscoveredComponent>;

export const DiscoveryFrame = z.object({
  type: z.literal('discovery'),
  components: z.array(DiscoveredComponent).max(1000),
});
export type DiscoveryFrame = z.infer<typeof DiscoveryFrame>;

export const AgentFrame = z.discriminatedUnion('type', [
  LeaseRenewalFrame,
  ProgressFrame,
  LogFrame,
  ResultFrame,
  DiscoveryFrame,
]);
export type AgentFrame = z.infer<typeof AgentFrame>;

// ---- router → agent ----

export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  agent_id: z.string(),
  lease_ttl_ms: z.number().int(),
  lease_renewal_interval_ms: z.number().int(),
  paused: z.boolean(),
});

export const DispatchFrame = z.object({
  type: z.literal('dispatch'),
  ...ExecRef,
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  workspace_id: z.string(),
  timeout_ms: z.number().int(),
});
export type DispatchFrame = z.infer<typeof DispatchFrame>;

export const CancelFrame = z.object({ type: z.literal('cancel'), ...ExecRef });
export const DrainFrame = z.object({ type: z.literal('drain'), reason: z.string().optional() });
export const PauseFrame = z.object({
  type: z.literal('pause'),
  reason: z.string(),
  workspace_id: z.string().optional(),
});
export const ResumeFrame = z.object({ type: z.literal('resume'), workspace_id: z.string().optional() });
/** The router extended the lease; the agent kills its tools when no ack came for a whole TTL. */
export const LeaseAckFrame = z.object({ type: z.literal('lease_ack'), lease_ttl_ms: z.number().int() });
/** The router stored a result: the agent may forget it. */
export const ResultAckFrame = z.object({ type: z.literal('result_ack'), ...ExecRef });
/** A frame was refused (bad shape, stale attempt, …); `ref` names the execution when there is one. */
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  execution_id: z.string().optional(),
  attempt: z.number().int().optional(),
});

export const RouterFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  DispatchFrame,
  CancelFrame,
  DrainFrame,
  PauseFrame,
  ResumeFrame,
  LeaseAckFrame,
  ResultAckFrame,
  ErrorFrame,
]);
export type RouterFrame = z.infer<typeof RouterFrame>;
