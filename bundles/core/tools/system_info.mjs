#!/usr/bin/env node
// Host facts for a first look at a machine: identity, kernel, uptime, load, memory, CPUs.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { onlyKeys, runTool } from './lib/io.mjs';

/** MemAvailable is what the kernel thinks can be used without swapping; freemem() undercounts it. */
function memAvailableBytes() {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

await runTool((args) => {
  onlyKeys(args, []);
  const cpus = os.cpus();
  const [l1, l5, l15] = os.loadavg();
  return {
    hostname: os.hostname(),
    os: {
      type: os.type(),
      platform: os.platform(),
      arch: os.arch(),
      release: os.release(),
      version: os.version(),
    },
    kernel: os.release(),
    uptime_seconds: Math.round(os.uptime()),
    load: { '1m': l1, '5m': l5, '15m': l15 },
    memory: { total_bytes: os.totalmem(), free_bytes: os.freemem(), available_bytes: memAvailableBytes() },
    cpus: { count: cpus.length, model: cpus[0]?.model ?? null },
  };
});
