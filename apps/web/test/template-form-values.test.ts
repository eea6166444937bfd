import { XemApiError } from '@xem/client';
import type { TemplateVersion } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { createBody, EMPTY_TEMPLATE, serverErrors, updateBody } from '../src/templates/template-form-values';
import { diffVersions } from '../src/templates/version-diff';

describe('template form: client checks mirror the schema', () => {
  it('a valid form gives the create body and no errors', () => {
    const { body, errors } = createBody({ ...EMPTY_TEMPLATE, name: ' triage ', tags: ['sre'] });
    expect(errors).toEqual({});
    expect(body).toMatchObject({ name: 'triage', scope: 'project', tags: ['sre'] });
    expect(body).not.toHaveProperty('workspace_id');
  });

  it('names each bad field, the entry of a list included', () => {
    const { errors } = createBody({
      ...EMPTY_TEMPLATE,
      name: '',
      allowed_tools: ['echo', 'Bad Tool'],
      scope: 'workspace',
    });
    expect(errors.name).toBe('Required.');
    expect(errors.allowed_tools).toMatch(/^“Bad Tool”: use lowercase letters/);
    expect(errors.workspace_id).toBeTruthy();
    expect(updateBody({ ...EMPTY_TEMPLATE, name: '-x' }).errors.name).toMatch(/^Use letters, digits/);
  });

  it("puts the server's refusal on the field its param names, else on the form", () => {
    const taken = new XemApiError({
      status: 409,
      code: 'template_name_taken',
      message: 'taken',
      param: 'name',
    });
    expect(serverErrors(taken)).toEqual({ name: 'taken (template_name_taken)' });
    const entry = new XemApiError({ status: 400, code: 'invalid_body', message: 'bad', param: 'tags.2' });
    expect(serverErrors(entry)).toEqual({ tags: 'bad (invalid_body)' });
    const owner = new XemApiError({ status: 403, code: 'owner_required', message: 'owners only' });
    expect(serverErrors(owner)).toEqual({ form: 'owners only (owner_required)' });
  });
});

describe('diffVersions', () => {
  const v1: TemplateVersion = {
    template_id: 'tpl_1',
    version: 1,
    name: 'triage',
    description: '',
    system_prompt: 'abc',
    allowed_tools: ['echo', 'noop'],
    approval_policy: 'standard',
    applicable_workspace_types: [],
    tags: ['sre'],
    metadata: {},
    created_by: null,
    created_at: '2025-01-01T00:00:00.000Z',
  };
  it('lists what changed, field by field', () => {
    const v2 = {
      ...v1,
      version: 2,
      approval_policy: 'elevated' as const,
      allowed_tools: ['echo', 'sleep'],
      system_prompt: 'abcdef',
    };
    expect(diffVersions(v1, v2)).toEqual([
      { field: 'approval_policy', summary: 'standard → elevated' },
      { field: 'system_prompt', summary: 'edited (+3 chars)' },
      { field: 'allowed_tools', summary: '+sleep −noop' },
    ]);
    expect(diffVersions(v1, { ...v1, version: 2 })).toEqual([]);
  });
});
