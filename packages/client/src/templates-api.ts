import {
  Chat,
  listOf,
  Template,
  TemplateVersion,
  type ApplyTemplateRequest,
  type CreateTemplateRequest,
  type PromoteTemplateRequest,
  type TemplateScope,
  type UpdateTemplateRequest,
} from '@xem/protocol';
import type { z } from 'zod';
import type { PageQuery } from './execution-list-query';
import { sendRequest, type RequestSpec, type Transport } from './send-request';

type List<T> = { data: T[]; next_cursor: string | null };

/** Filters of `GET …/templates` (sorted by name, then id). */
export interface TemplateListQuery extends PageQuery {
  scope?: TemplateScope | undefined;
  /** Only what a chat in this workspace could use: platform, project and its own templates. */
  workspace_id?: string | undefined;
  /** Case-insensitive substring of the name. */
  q?: string | undefined;
  /** `false` leaves platform templates out (default true). */
  include_platform?: boolean | undefined;
}

/** `/:project_id/v1/management/templates` (`XemClient.templates`): chat templates and their versions. */
export class TemplatesApi {
  constructor(
    private readonly transport: Transport,
    /** `/:project_id/v1/management/templates`; throws when the client has no project. */
    private readonly base: () => string,
    /** `/:project_id/v1/workspaces/:id/chat-templates/:tid/apply` of a workspace and a template. */
    private readonly applyPath: (workspace: string, template: string) => string,
  ) {}

  async list(query: TemplateListQuery = {}): Promise<List<Template>> {
    const { include_platform, ...rest } = query;
    return this.call({
      method: 'GET',
      path: this.base(),
      query: {
        ...rest,
        include_platform: include_platform === undefined ? undefined : String(include_platform),
      },
      schema: listOf(Template),
    });
  }

  /** Version 1 of a new template. Platform scope needs a system admin. */
  async create(body: z.input<typeof CreateTemplateRequest>): Promise<Template> {
    return this.call({ method: 'POST', path: this.base(), body, schema: Template });
  }

  /** The template with its current version's fields. */
  async get(templateId: string): Promise<Template> {
    return this.call({ method: 'GET', path: this.one(templateId), schema: Template });
  }

  /**
   * Stores the next version with the fields given (the others kept). Nothing changes, and the
   * version stays, when the fields equal the current ones.
   */
  async update(templateId: string, body: z.input<typeof UpdateTemplateRequest>): Promise<Template> {
    return this.call({ method: 'PUT', path: this.one(templateId), body, schema: Template });
  }

  /** Soft delete; answers with the deleted template (`deleted_at` set). Its versions are kept. */
  async delete(templateId: string): Promise<Template> {
    return this.call({ method: 'DELETE', path: this.one(templateId), schema: Template });
  }

  /** Newest first. */
  async versions(templateId: string, query: PageQuery = {}): Promise<List<TemplateVersion>> {
    const path = this.one(templateId, '/versions');
    return this.call({ method: 'GET', path, query: { ...query }, schema: listOf(TemplateVersion) });
  }

  async version(templateId: string, version: number): Promise<TemplateVersion> {
    const path = this.one(templateId, `/versions/${version}`);
    return this.call({ method: 'GET', path, schema: TemplateVersion });
  }

  /** Widens the scope: workspace → project (owners), → platform (system admins). */
  async promote(templateId: string, scope: PromoteTemplateRequest['scope']): Promise<Template> {
    const path = this.one(templateId, '/promote');
    return this.call({ method: 'POST', path, body: { scope }, schema: Template });
  }

  /**
   * Opens a chat in `workspace` (id or name) from `template` (id or name), pinned to the
   * template's current version: its prompt, tools and policy are copied. A `message` is stored
   * as the first user message and starts a turn when the server has a model.
   */
  async apply(
    workspace: string,
    template: string,
    body: z.input<typeof ApplyTemplateRequest> = {},
  ): Promise<Chat> {
    return this.call({ method: 'POST', path: this.applyPath(workspace, template), body, schema: Chat });
  }

  private one(templateId: string, rest = ''): string {
    return `${this.base()}/${encodeURIComponent(templateId)}${rest}`;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.transport, spec);
  }
}
