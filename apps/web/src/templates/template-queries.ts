import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { List, PageQuery, TemplateListQuery } from '@xem/client';
import type { Member, Template, TemplateVersion, Tool, Workspace } from '@xem/protocol';
import { api } from '../ops-client';

/*
 * Query keys follow live/live-events.ts (keysFor): ox.template.* refreshes ['templates'] and
 * ['template', id] (which covers a template's versions, ['template', id, 'versions']).
 * Workspaces and tools use the same keys and shapes as the Fleet pages.
 */

/** Every page of a plain list route, 500 at a time (the server's maximum page). */
async function fetchAll<T>(page: (q: PageQuery) => Promise<List<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page({ limit: 500, cursor });
    all.push(...p.data);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

export const TEMPLATES_PAGE_SIZE = 50;

/** One page of the list, kept on screen while the next filter or page loads. */
export function useTemplates(query: TemplateListQuery) {
  return useQuery<List<Template>>({
    queryKey: ['templates', query],
    queryFn: () => api.templates.list({ limit: TEMPLATES_PAGE_SIZE, ...query }),
    placeholderData: keepPreviousData,
  });
}

export function useTemplate(templateId: string) {
  return useQuery<Template>({
    queryKey: ['template', templateId],
    queryFn: () => api.templates.get(templateId),
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
}

/** One stored version (immutable). */
export function useTemplateVersion(templateId: string, version: number | undefined) {
  return useQuery<TemplateVersion>({
    queryKey: ['template', templateId, 'version', version],
    queryFn: () => api.templates.version(templateId, version!),
    enabled: version !== undefined,
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
}

/** Versions newest first, 100 a page; older pages on demand. */
export function useTemplateVersions(templateId: string) {
  return useInfiniteQuery({
    queryKey: ['template', templateId, 'versions'],
    queryFn: ({ pageParam }) => api.templates.versions(templateId, { limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useWorkspaces() {
  return useQuery<Workspace[]>({
    queryKey: ['workspaces'],
    queryFn: () => fetchAll((q) => api.listWorkspaces(q)),
  });
}

export function useTools() {
  return useQuery<Tool[]>({ queryKey: ['tools'], queryFn: () => fetchAll((q) => api.listTools(q)) });
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'status' in err && err.status === 404;
}

/** The project's members, to name who stored a version (a refusal leaves ids shown as they are). */
export function useMembers() {
  return useQuery<Member[]>({
    queryKey: ['members', 'all'],
    queryFn: () => fetchAll((q) => api.listMembers(q)),
    staleTime: 60_000,
    retry: false,
  });
}
