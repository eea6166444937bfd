import { z } from 'zod';
import { Timestamp } from './common';
import { Name, WorkspaceType } from './fleet';
import { ToolName } from './tools';

/**
 * Chat templates (docs/templates.md): a system prompt, the tools a chat may call and how strict
 * its approvals are, kept as immutable versions. Every edit stores the next version.
 */

/** `platform`: every project reads it; `project`: this project; `workspace`: one workspace. */
export const TemplateScope = z.enum(['platform', 'project', 'workspace']);
export type TemplateScope = z.infer<typeof TemplateScope>;

/**
 * `standard`: the workspace's approval policy; `elevated`: `write` tools need an approval too;
 * `restricted`: every tool call needs an approval.
 */
export const TemplateApprovalPolicy = z.enum(['standard', 'elevated', 'restricted']);
export type TemplateApprovalPolicy = z.infer<typeof TemplateApprovalPolicy>;

export const MAX_TEMPLATE_SYSTEM_PROMPT_CHARS = 100_000;
export const MAX_TEMPLATE_METADATA_KEYS = 32;
export const MAX_TEMPLATE_METADATA_CHARS = 8_192;

export const TemplateTag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits, dots, dashes, underscores, colons and slashes');

/** Free-form JSON of yours: at most 32 keys and 8 KiB once serialised. */
export const TemplateMetadata = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((m) => Object.keys(m).length <= MAX_TEMPLATE_METADATA_KEYS, {
    message: `at most ${MAX_TEMPLATE_METADATA_KEYS} keys`,
  })
  .refine((m) => JSON.stringify(m).length <= MAX_TEMPLATE_METADATA_CHARS, {
    message: `at most ${MAX_TEMPLATE_METADATA_CHARS} characters as JSON`,
  });

/** What one version holds; each list is stored sorted, each entry once. */
const VersionFields = {
  name: Name,
  description: z.string().max(2000),
  system_prompt: z.string().max(MAX_TEMPLATE_SYSTEM_PROMPT_CHARS),
  /** Tool names, matched exactly (case included) against the catalogue when a chat calls one. */
  allowed_tools: z.array(ToolName).max(500),
  approval_policy: TemplateApprovalPolicy,
  /** Workspace types it is meant for; empty: any. */
  applicable_workspace_types: z.array(WorkspaceType).max(50),
  tags: z.array(TemplateTag).max(50),
  metadata: TemplateMetadata,
};

/** One immutable version of a template. */
export const TemplateVersion = z.object({
  template_id: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string(),
  system_prompt: z.string(),
  allowed_tools: z.array(z.string()),
  approval_policy: TemplateApprovalPolicy,
  applicable_workspace_types: z.array(z.string()),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  created_by: z.string().nullable(),
  created_at: Timestamp,
});
export type TemplateVersion = z.infer<typeof TemplateVersion>;

/** A template with the fields of its current version inline. */
export const Template = TemplateVersion.omit({
  template_id: true,
  created_by: true,
  created_at: true,
}).extend({
  id: z.string(),
  scope: TemplateScope,
  /** Set for `workspace` scope only. */
  workspace_id: z.string().nullable(),
  /** The current version (the one chats applied from it now are pinned to). */
  version: z.number().int(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  /** Who stored the current version, and when the template last changed. */
  updated_by: z.string().nullable(),
  updated_at: Timestamp,
  /** Only ever set in the answer of DELETE: deleted templates are 404 everywhere else. */
  deleted_at: Timestamp.nullable(),
});
export type Template = z.infer<typeof Template>;

export const CreateTemplateRequest = z
  .object({
    name: VersionFields.name,
    scope: TemplateScope.default('project'),
    /** Required with scope `workspace`, refused otherwise. */
    workspace_id: z.string().min(1).max(64).optional(),
    description: VersionFields.description.default(''),
    system_prompt: VersionFields.system_prompt.default(''),
    allowed_tools: VersionFields.allowed_tools.default([]),
    approval_policy: VersionFields.approval_policy.default('standard'),
    applicable_workspace_types: VersionFields.applicable_workspace_types.default([]),
    tags: VersionFields.tags.default([]),
    metadata: VersionFields.metadata.default({}),
  })
  .superRefine((b, ctx) => {
    if (b.scope === 'workspace' && b.workspace_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['workspace_id'], message: 'required with scope "workspace"' });
    }
    if (b.scope !== 'workspace' && b.workspace_id !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['workspace_id'],
        message: 'only allowed with scope "workspace"',
      });
    }
  });
export type CreateTemplateRequest = z.infer<typeof CreateTemplateRequest>;

/**
 * `PUT …/templates/:id`: the fields given replace the current version's (lists as a whole), the
 * others are kept. Scope and workspace do not change here (see promote).
 */
export const UpdateTemplateRequest = z.object({
  name: VersionFields.name.optional(),
  description: VersionFields.description.optional(),
  system_prompt: VersionFields.system_prompt.optional(),
  allowed_tools: VersionFields.allowed_tools.optional(),
  approval_policy: VersionFields.approval_policy.optional(),
  applicable_workspace_types: VersionFields.applicable_workspace_types.optional(),
  tags: VersionFields.tags.optional(),
  metadata: VersionFields.metadata.optional(),
});
export type UpdateTemplateRequest = z.infer<typeof UpdateTemplateRequest>;

/** Widens a template's scope: workspace → project (owners), or → platform (system admins). */
export const PromoteTemplateRequest = z.object({ scope: z.enum(['project', 'platform']) });
export type PromoteTemplateRequest = z.infer<typeof PromoteTemplateRequest>;

/** `GET …/templates`: sorted by name, then id. */
export const ListTemplatesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  scope: TemplateScope.optional(),
  /** Only templates usable in this workspace: platform, project and this workspace's own. */
  workspace_id: z.string().min(1).max(64).optional(),
  /** Case-insensitive substring of the name. */
  q: z.string().min(1).max(100).optional(),
  /** `false` leaves platform templates out; default `true`. */
  include_platform: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(true),
});
export type ListTemplatesQuery = z.infer<typeof ListTemplatesQuery>;
