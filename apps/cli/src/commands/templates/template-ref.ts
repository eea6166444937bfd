import type { XemClient } from '@xem/client';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { resolveTemplateId } from './resolve-template';

/** `<template>` and `--workspace` of the verbs that act on one template. */
export interface TemplateRef {
  template: string;
  workspace?: string | undefined;
}

export const WORKSPACE_FLAG_HELP = 'with a name: prefer the template of this workspace (id or name)';

/** The template id an id or name stands for (see resolveTemplateId). */
export async function templateIdOf(client: XemClient, ref: TemplateRef): Promise<string> {
  const workspaceId =
    ref.workspace === undefined ? undefined : await resolveWorkspaceId(client, ref.workspace);
  return resolveTemplateId(client.templates, ref.template, workspaceId);
}
