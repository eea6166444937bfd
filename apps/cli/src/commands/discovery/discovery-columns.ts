import type { DiscoveryCandidate } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `discovery list` columns. */
export const DISCOVERY_COLUMNS: Column<DiscoveryCandidate>[] = [
  { header: 'ID', value: (c) => c.id },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'KIND', value: (c) => c.kind },
  { header: 'NAME', value: (c) => c.name },
  { header: 'ADDRESS', value: (c) => c.address },
  { header: 'AGENT', value: (c) => c.agent_id },
  { header: 'LAST_SEEN', value: (c) => c.last_seen_at, time: true },
];

/** One candidate as fields, for show and for what accept and reject print. */
export function discoveryFields(c: DiscoveryCandidate): Array<[string, CellValue]> {
  return [
    ['ID', c.id],
    ['STATUS', c.status],
    ['KIND', c.kind],
    ['NAME', c.name],
    ['ADDRESS', c.address],
    ['AGENT', c.agent_id],
    [
      'ATTRIBUTES',
      Object.entries(c.attributes)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`),
    ],
    ['FIRST_SEEN', c.first_seen_at],
    ['LAST_SEEN', c.last_seen_at],
    ['DECIDED_BY', c.decided_by],
    ['DECIDED', c.decided_at],
    ['REASON', c.reason],
  ];
}
