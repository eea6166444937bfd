import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const secret32 = z
  .string()
  .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes long');

/** Every environment variable the server reads. Documented in docs/configuration.md. */
const EnvSchema = z.object({
  XEM_HOST: z.string().min(1).default('127.0.0.1'),
  XEM_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  XEM_DATA_DIR: z.string().min(1).default('./.xem/data'),
  /** The built dashboard (`npm run build:web`); default: apps/web/dist of this checkout. */
  XEM_WEB_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  XEM_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  XEM_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'must not have a query or fragment')
    .optional(),
  XEM_ADMIN_EMAIL: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address')
    .optional(),
  XEM_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  XEM_DEFAULT_PROJECT_SLUG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/, 'lowercase letters, digits and dashes, 2-40 chars')
    .default('default'),
  XEM_SESSION_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(60).max(604800).default(3600),
  XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS: z.coerce.number().int().min(300).max(2592000).default(43200),
  XEM_LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  XEM_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100000).default(50),
  XEM_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  XEM_LOGIN_MAX_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  XEM_PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(17),
  XEM_INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(2160).default(168),
  XEM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  XEM_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(104857600).default(1048576),
  XEM_TRUST_PROXY: bool.default(false),
  XEM_LEASE_RENEWAL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  XEM_AGENT_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(10).max(604_800).default(3600),
  XEM_EXECUTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  XEM_DISPATCH_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(600_000).default(2000),
  XEM_LOCAL_AGENT: bool.default(true),
  XEM_EVENTS_DELIVERY: z.enum(['signal', 'poll']).default('signal'),
  XEM_STREAM_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  XEM_STREAM_HEARTBEAT_POLLS: z.coerce.number().int().min(1).max(1000).default(15),
  XEM_STREAM_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  XEM_STREAM_RETRY_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  XEM_STREAM_MAX_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
  XEM_STREAM_MAX_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(10),
  XEM_STREAM_MAX_BUFFER_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(1_048_576),
  XEM_STREAM_AUTH_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  XEM_EVENTS_RETENTION_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK: bool.default(false),
  XEM_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  XEM_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  XEM_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  XEM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  XEROTIER_APPROVAL_LINK_SECRET: secret32.optional(),
  XEM_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  XEM_SMTP_FROM: z
    .string()
    .regex(
      /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
      'must be an address, optionally with a display name: XEM <xem@example.com>',
    )
    .default('XEM <xem@localhost>'),
  XEM_SMTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  XEM_SMTP_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  XEM_SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  XEM_MODEL_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  XEM_MODEL: z.string().min(1).max(200).optional(),
  XEM_MODEL_API_KEY: z.string().min(1).max(4096).optional(),
  XEM_MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  XEM_CHAT_MAX_STEPS: z.coerce.number().int().min(1).max(100).default(8),
  XEM_CHAT_TURN_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Directory of the built dashboard (index.html and assets/). */
  webDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** External URL of this server; links in mails and the login URL use it, never the Host header. */
  baseUrl: string;
  /** True when baseUrl is https: cookies get Secure and the __Host- prefix, HSTS is sent. */
  secureCookies: boolean;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  defaultProjectSlug: string;
  sessionIdleTimeoutSeconds: number;
  sessionAbsoluteTimeoutSeconds: number;
  login: {
    maxFailuresPerAccount: number;
    maxFailuresPerIp: number;
    windowSeconds: number;
    maxBlockSeconds: number;
  };
  /** scrypt cost as log2(N). */
  passwordHashCost: number;
  invitationTtlHours: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** Agents renew their lease this often; a lease lapses after 3 intervals (database clock). */
  leaseRenewalIntervalMs: number;
  agentCredentialTtlSeconds: number;
  /** Attempts an idempotent execution gets when agents die under it. */
  executionMaxAttempts: number;
  /** Backstop poll of the dispatcher and sweepers; notifications wake them sooner. */
  dispatchPollIntervalMs: number;
  /** `npm start` also runs a local agent enrolled into the default workspace. */
  localAgent: boolean;
  events: {
    /** `signal`: streams wake on a database notification, with the poll as backstop; `poll`: the poll only. */
    delivery: 'signal' | 'poll';
    pollIntervalMs: number;
    /** A heartbeat is sent every this many poll intervals. */
    heartbeatPolls: number;
    maxLifetimeSeconds: number;
    retryMs: number;
    maxStreamsPerUser: number;
    maxStreamsPerKey: number;
    /** A stream whose unsent output exceeds this is closed as a slow reader. */
    maxBufferBytes: number;
    /** How often open streams re-check their session, key and membership. */
    authCheckIntervalMs: number;
    /** Events older than this are pruned; a resume from before it gets a resync marker. */
    retentionSeconds: number;
  };
  webhooks: {
    /** Dev only: allow http:// endpoints on loopback addresses. */
    allowHttpLoopback: boolean;
    maxAttempts: number;
    timeoutMs: number;
    /** First retry delay; each further retry doubles it (with jitter), capped at one hour. */
    retryBaseMs: number;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  approvalLinkSecret: string | undefined;
  /** Outgoing e-mail; null without XEM_SMTP_URL (messages then stay in the outbox as `unsent`). */
  smtp: SmtpConfig | null;
  /** The chat model; null without XEM_MODEL_URL (chats then record messages and run tools for operators). */
  model: ModelConfig | null;
  chats: {
    /** Model calls per turn before it is ended with an error (a model looping on tool calls). */
    maxSteps: number;
    /** How long a server holds a chat's turn without renewing it before another server may resume it. */
    turnLeaseSeconds: number;
  };
}

export interface ModelConfig {
  /** The chat-completions endpoint (XEM_MODEL_URL, with `/chat/completions` added to a base URL). */
  url: string;
  name: string;
  /** Bearer token of the endpoint; never logged. */
  apiKey: string | undefined;
  timeoutMs: number;
}

export interface SmtpConfig {
  /** smtp:// or smtps:// with credentials; never logged. */
  url: string;
  from: string;
  maxAttempts: number;
  /** First retry delay; each further retry doubles it (with jitter), capped at one hour. */
  retryBaseMs: number;
  /** Connection, greeting and idle-socket timeout of one attempt. */
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once at boot. A wrong value throws, naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.XEM_MODEL_URL && !e.XEM_MODEL) {
    throw new ConfigError(
      'invalid configuration:\n  XEM_MODEL: required with XEM_MODEL_URL (the model name the endpoint serves)',
    );
  }
  const host = e.XEM_HOST.includes(':') ? `[${e.XEM_HOST}]` : e.XEM_HOST;
  const baseUrl = (e.XEM_BASE_URL ?? `http://${host}:${e.XEM_PORT}`).replace(/\/+$/, '');
  return {
    host: e.XEM_HOST,
    port: e.XEM_PORT,
    dataDir: e.XEM_DATA_DIR,
    webDir: e.XEM_WEB_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.XEM_DATABASE_POOL_SIZE,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    adminEmail: e.XEM_ADMIN_EMAIL?.toLowerCase(),
    adminPassword: e.XEM_ADMIN_PASSWORD,
    defaultProjectSlug: e.XEM_DEFAULT_PROJECT_SLUG,
    sessionIdleTimeoutSeconds: e.XEM_SESSION_IDLE_TIMEOUT_SECONDS,
    sessionAbsoluteTimeoutSeconds: e.XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    login: {
      maxFailuresPerAccount: e.XEM_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.XEM_LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: e.XEM_LOGIN_WINDOW_SECONDS,
      maxBlockSeconds: e.XEM_LOGIN_MAX_BLOCK_SECONDS,
    },
    passwordHashCost: e.XEM_PASSWORD_HASH_COST,
    invitationTtlHours: e.XEM_INVITATION_TTL_HOURS,
    rateLimitPerMinute: e.XEM_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: e.XEM_BODY_LIMIT_BYTES,
    trustProxy: e.XEM_TRUST_PROXY,
    leaseRenewalIntervalMs: e.XEM_LEASE_RENEWAL_INTERVAL_MS,
    agentCredentialTtlSeconds: e.XEM_AGENT_CREDENTIAL_TTL_SECONDS,
    executionMaxAttempts: e.XEM_EXECUTION_MAX_ATTEMPTS,
    dispatchPollIntervalMs: e.XEM_DISPATCH_POLL_INTERVAL_MS,
    localAgent: e.XEM_LOCAL_AGENT,
    events: {
      delivery: e.XEM_EVENTS_DELIVERY,
      pollIntervalMs: e.XEM_STREAM_POLL_INTERVAL_MS,
      heartbeatPolls: e.XEM_STREAM_HEARTBEAT_POLLS,
      maxLifetimeSeconds: e.XEM_STREAM_MAX_LIFETIME_SECONDS,
      retryMs: e.XEM_STREAM_RETRY_MS,
      maxStreamsPerUser: e.XEM_STREAM_MAX_PER_USER,
      maxStreamsPerKey: e.XEM_STREAM_MAX_PER_KEY,
      maxBufferBytes: e.XEM_STREAM_MAX_BUFFER_BYTES,
      authCheckIntervalMs: e.XEM_STREAM_AUTH_CHECK_INTERVAL_MS,
      retentionSeconds: e.XEM_EVENTS_RETENTION_SECONDS,
    },
    webhooks: {
      allowHttpLoopback: e.XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK,
      maxAttempts: e.XEM_WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: e.XEM_WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.XEM_WEBHOOK_RETRY_BASE_MS,
    },
    logLevel: e.XEM_LOG_LEVEL,
    approvalLinkSecret: e.XEROTIER_APPROVAL_LINK_SECRET,
    smtp: e.XEM_SMTP_URL
      ? {
          url: e.XEM_SMTP_URL,
          from: e.XEM_SMTP_FROM,
          maxAttempts: e.XEM_SMTP_MAX_ATTEMPTS,
          retryBaseMs: e.XEM_SMTP_RETRY_BASE_MS,
          timeoutMs: e.XEM_SMTP_TIMEOUT_MS,
        }
      : null,
    model: e.XEM_MODEL_URL
      ? {
          url: completionsUrl(e.XEM_MODEL_URL),
          name: e.XEM_MODEL!,
          apiKey: e.XEM_MODEL_API_KEY,
          timeoutMs: e.XEM_MODEL_TIMEOUT_MS,
        }
      : null,
    chats: { maxSteps: e.XEM_CHAT_MAX_STEPS, turnLeaseSeconds: e.XEM_CHAT_TURN_LEASE_SECONDS },
  };
}

/** `http://host/v1` → `http://host/v1/chat/completions`; a URL already ending so is kept. */
function completionsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}
