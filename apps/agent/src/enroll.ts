import { hostname } from 'node:os';
import { AgentCredential, Challenge, refreshMessage } from '@xem/protocol';
import type { AgentConfig } from './config';
import type { CredentialStore, SavedCredential } from './credential-store';
import type { Logger } from './logger';
import { postJson, RouterRefused } from './router-http';
import type { SigningKey } from './signing-key';

/** The router will not let this agent in and nothing the agent can do alone changes that. */
export class EnrollmentRefused extends Error {
  override name = 'EnrollmentRefused';
}

export interface EnrollmentDeps {
  config: AgentConfig;
  key: SigningKey;
  store: CredentialStore;
  log: Logger;
  version: string;
}

/**
 * Holds the agent's credential. States: none (first run) → enrolled (join key spent) →
 * refreshed again and again by signing challenges; a refused refresh falls back to the join key
 * when one is configured, else the agent cannot continue (EnrollmentRefused).
 * RouterUnavailable passes through so callers can retry with backoff.
 */
export class Enrollment {
  private credential: SavedCredential | undefined;

  constructor(private readonly deps: EnrollmentDeps) {
    this.credential = deps.store.load(deps.config.routerUrl, deps.config.registrationName);
  }

  get current(): SavedCredential | undefined {
    return this.credential;
  }

  /** True once two thirds of the credential's lifetime has passed. */
  nearsExpiry(now = Date.now()): boolean {
    const c = this.credential;
    if (!c) return true;
    const start = Date.parse(c.obtained_at);
    const end = Date.parse(c.expires_at);
    return now >= start + ((end - start) * 2) / 3;
  }

  /** A usable credential: the saved one, a refreshed one, or a fresh enrollment. */
  async ensure(): Promise<SavedCredential> {
    if (!this.credential) return this.enroll();
    if (this.nearsExpiry()) return this.refresh();
    return this.credential;
  }

  /** Proves possession of the signing key for a new credential (also after a 401 on connect). */
  async refresh(): Promise<SavedCredential> {
    const c = this.credential;
    if (!c) return this.enroll();
    const { routerUrl } = this.deps.config;
    try {
      const { challenge } = await postJson(
        routerUrl,
        '/v1/enroll/challenge',
        { agent_id: c.agent_id },
        Challenge,
      );
      const signature = this.deps.key.sign(refreshMessage(c.agent_id, challenge));
      const fresh = await postJson(
        routerUrl,
        '/v1/enroll/refresh',
        { agent_id: c.agent_id, challenge, signature },
        AgentCredential,
      );
      this.deps.log.info({ agent_id: fresh.agent_id, expires_at: fresh.expires_at }, 'credential refreshed');
      return this.save(fresh);
    } catch (err) {
      if (!(err instanceof RouterRefused)) throw err;
      this.deps.log.warn({ err: err.message, agent_id: c.agent_id }, 'credential refresh refused');
      if (!this.deps.config.joinKey)
        throw new EnrollmentRefused(
          `the router refused to refresh the credential of agent ${c.agent_id} (${err.code}): it was ` +
            'probably revoked. Mint a join key and start the agent with XEM_JOIN_KEY to enroll again.',
        );
      return this.enroll();
    }
  }

  private async enroll(): Promise<SavedCredential> {
    const { config, key, log, version } = this.deps;
    if (!config.joinKey)
      throw new EnrollmentRefused(
        `no saved credential in ${this.deps.store.path} for ${config.routerUrl} as ` +
          `${config.registrationName}: set XEM_JOIN_KEY (--join-key) to enroll`,
      );
    const body = {
      join_key: config.joinKey,
      registration_name: config.registrationName,
      public_key: key.publicKey,
      hostname: hostname().slice(0, 255) || 'unknown',
      version,
      max_concurrent_executions: config.maxConcurrentExecutions,
      ...(config.region ? { region: config.region } : {}),
    };
    try {
      const fresh = await postJson(config.routerUrl, '/v1/enroll', body, AgentCredential);
      log.info({ agent_id: fresh.agent_id, project_id: fresh.project_id }, 'enrolled');
      return this.save(fresh);
    } catch (err) {
      if (!(err instanceof RouterRefused)) throw err;
      const hint =
        err.code === 'conflict'
          ? `an active agent named ${config.registrationName} already exists: revoke it first or pick another XEM_REGISTRATION_NAME`
          : 'check XEM_JOIN_KEY: it may be used up, expired or revoked; mint a new one';
      throw new EnrollmentRefused(`enrollment refused (${err.code}): ${err.message}. ${hint}`);
    }
  }

  private save(fresh: AgentCredential): SavedCredential {
    const saved: SavedCredential = {
      agent_id: fresh.agent_id,
      project_id: fresh.project_id,
      credential: fresh.credential,
      expires_at: fresh.expires_at,
      obtained_at: new Date().toISOString(),
      router_url: this.deps.config.routerUrl,
      registration_name: this.deps.config.registrationName,
    };
    this.deps.store.save(saved);
    this.credential = saved;
    return saved;
  }
}
