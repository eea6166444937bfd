import type { TemplateScope } from '@xem/protocol';
import { AppError } from '../http/app-error';

const WHERE: Record<TemplateScope, string> = {
  platform: 'among platform templates',
  project: 'in this project',
  workspace: 'in this workspace',
};

/** 409 `template_name_taken`: live names are unique within their scope. */
export function templateNameTaken(name: string, scope: TemplateScope): AppError {
  return new AppError(
    'template_name_taken',
    `a template named "${name}" already exists ${WHERE[scope]}; pick another name or change that one`,
    { param: 'name' },
  );
}

/** Whether a database error is a unique violation (the live-name indexes). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}
