import { z } from 'zod';

/** Every list response: one page plus the cursor of the next one (null at the end). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const Timestamp = z.string().describe('RFC 3339 time');
