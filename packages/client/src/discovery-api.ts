import { DiscoveryCandidate, listOf, type DiscoveryStatus } from '@xem/protocol';
import type { z } from 'zod';
import type { PageQuery } from './execution-list-query';
import { sendRequest, type RequestSpec, type Transport } from './send-request';

type List<T> = { data: T[]; next_cursor: string | null };

/** Filters of `GET …/discovery`. */
export interface DiscoveryListFilters extends PageQuery {
  status?: DiscoveryStatus | undefined;
  agent?: string | undefined;
  kind?: string | undefined;
}

/** `/:project_id/v1/management/discovery` (`XemClient.discovery`): components agents found. */
export class DiscoveryApi {
  constructor(
    private readonly transport: Transport,
    /** `/:project_id/v1/management/discovery`; throws when the client has no project. */
    private readonly base: () => string,
  ) {}

  /** Newest first (by when the component was first seen). */
  async list(query: DiscoveryListFilters = {}): Promise<List<DiscoveryCandidate>> {
    return this.call({
      method: 'GET',
      path: this.base(),
      query: { ...query },
      schema: listOf(DiscoveryCandidate),
    });
  }

  async get(candidateId: string): Promise<DiscoveryCandidate> {
    return this.call({ method: 'GET', path: this.one(candidateId), schema: DiscoveryCandidate });
  }

  /** Owners only; the component joins the graph. */
  async accept(candidateId: string, body: { reason?: string } = {}): Promise<DiscoveryCandidate> {
    return this.call({
      method: 'POST',
      path: this.one(candidateId, '/accept'),
      body,
      schema: DiscoveryCandidate,
    });
  }

  /** Owners only; not proposed again unless its attributes change. */
  async reject(candidateId: string, body: { reason: string }): Promise<DiscoveryCandidate> {
    return this.call({
      method: 'POST',
      path: this.one(candidateId, '/reject'),
      body,
      schema: DiscoveryCandidate,
    });
  }

  private one(candidateId: string, rest = ''): string {
    return `${this.base()}/${encodeURIComponent(candidateId)}${rest}`;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.transport, spec);
  }
}
