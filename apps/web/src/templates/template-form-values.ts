import { XemApiError } from '@xem/client';
import {
  CreateTemplateRequest,
  UpdateTemplateRequest,
  type Template,
  type TemplateApprovalPolicy,
  type TemplateScope,
} from '@xem/protocol';
import type { z } from 'zod';

/** What the template form edits; metadata is kept as it is (not edited here). */
export interface TemplateFormValues {
  name: string;
  scope: TemplateScope;
  workspace_id: string;
  description: string;
  system_prompt: string;
  allowed_tools: string[];
  approval_policy: TemplateApprovalPolicy;
  applicable_workspace_types: string[];
  tags: string[];
}

export type FormField = keyof TemplateFormValues;
/** Messages per field; `form` holds what belongs to no field (e.g. owner_required). */
export type FormErrors = Partial<Record<FormField | 'form', string>>;

export const EMPTY_TEMPLATE: TemplateFormValues = {
  name: '',
  scope: 'project',
  workspace_id: '',
  description: '',
  system_prompt: '',
  allowed_tools: [],
  approval_policy: 'standard',
  applicable_workspace_types: [],
  tags: [],
};

export function valuesOf(t: Template): TemplateFormValues {
  return {
    name: t.name,
    scope: t.scope,
    workspace_id: t.workspace_id ?? '',
    description: t.description,
    system_prompt: t.system_prompt,
    allowed_tools: t.allowed_tools,
    approval_policy: t.approval_policy,
    applicable_workspace_types: t.applicable_workspace_types,
    tags: t.tags,
  };
}

const FIELDS = new Set<string>(Object.keys(EMPTY_TEMPLATE));

/** The field a request path or the server's `param` names (`allowed_tools.1` → allowed_tools). */
function fieldOf(path: string): FormField | 'form' {
  const head = path.split('.')[0] ?? '';
  return FIELDS.has(head) ? (head as FormField) : 'form';
}

function issueText(issue: z.core.$ZodIssue, values: TemplateFormValues): string {
  const [field, index] = issue.path;
  if (issue.code === 'too_small' && issue.origin === 'string' && index === undefined) return 'Required.';
  if (typeof index === 'number' && typeof field === 'string') {
    const entry = (values[field as FormField] as string[])[index];
    return `“${entry}”: ${issue.code === 'invalid_format' ? `use ${issue.message}` : issue.message}.`;
  }
  if (issue.code === 'invalid_format') return `Use ${issue.message}.`;
  return issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
}

function collect(result: z.ZodSafeParseResult<unknown>, values: TemplateFormValues): FormErrors {
  const errors: FormErrors = {};
  if (result.success) return errors;
  for (const issue of result.error.issues) {
    const f = fieldOf(issue.path.join('.'));
    errors[f] ??= issueText(issue, values);
  }
  return errors;
}

/** The body of POST …/templates, validated as the server will (docs/templates.md). */
export function createBody(v: TemplateFormValues): {
  body: z.input<typeof CreateTemplateRequest>;
  errors: FormErrors;
} {
  const body = {
    name: v.name.trim(),
    scope: v.scope,
    ...(v.scope === 'workspace' ? { workspace_id: v.workspace_id || undefined } : {}),
    description: v.description,
    system_prompt: v.system_prompt,
    allowed_tools: v.allowed_tools,
    approval_policy: v.approval_policy,
    applicable_workspace_types: v.applicable_workspace_types,
    tags: v.tags,
  };
  const errors = collect(CreateTemplateRequest.safeParse(body), v);
  if (v.scope === 'workspace' && !v.workspace_id) errors.workspace_id = 'Choose the workspace.';
  return { body, errors };
}

/** The body of PUT …/templates/:id: every version field the form edits (scope never changes here). */
export function updateBody(v: TemplateFormValues): {
  body: z.input<typeof UpdateTemplateRequest>;
  errors: FormErrors;
} {
  const body = {
    name: v.name.trim(),
    description: v.description,
    system_prompt: v.system_prompt,
    allowed_tools: v.allowed_tools,
    approval_policy: v.approval_policy,
    applicable_workspace_types: v.applicable_workspace_types,
    tags: v.tags,
  };
  return { body, errors: collect(UpdateTemplateRequest.safeParse(body), v) };
}

/** The server's refusal, placed on the field its `param` names (else on the form). */
export function serverErrors(err: unknown): FormErrors {
  if (err instanceof XemApiError) {
    const text = `${err.message} (${err.code})`;
    return { [err.param ? fieldOf(err.param) : 'form']: text };
  }
  return { form: err instanceof Error ? err.message : String(err) };
}
