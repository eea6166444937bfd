#!/usr/bin/env node
// Name resolution. A and AAAA go through the system resolver (as every program on the host
// resolves, /etc/hosts included); the other types ask the configured DNS servers directly.
import { lookup, Resolver } from 'node:dns/promises';
import { onlyKeys, runTool, stringArg, ToolError } from './lib/io.mjs';

const TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'SOA', 'CAA', 'PTR'];

await runTool(async (args) => {
  onlyKeys(args, ['name', 'type']);
  const name = stringArg(args, 'name', { required: true });
  if (name.length > 253) throw new ToolError('name is longer than 253 characters', 2);
  const type = stringArg(args, 'type', { fallback: 'A' }).toUpperCase();
  if (!TYPES.includes(type)) throw new ToolError(`type must be one of ${TYPES.join(', ')}`, 2);
  const started = performance.now();
  try {
    if (type === 'A' || type === 'AAAA') {
      const found = await lookup(name, { all: true, family: type === 'A' ? 4 : 6 });
      return {
        name,
        type,
        source: 'system',
        records: [...new Set(found.map((r) => r.address))],
        latency_ms: Math.round(performance.now() - started),
      };
    }
    const resolver = new Resolver({ timeout: 5000, tries: 2 });
    const records = await resolver.resolve(name, type);
    return { name, type, source: 'dns', records, latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    throw new ToolError(`${type} lookup of ${name} failed: ${err.code ?? err.message}`);
  }
});
