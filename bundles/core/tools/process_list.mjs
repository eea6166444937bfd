#!/usr/bin/env node
// Processes from /proc, largest resident memory first: pid, parent, state, user, memory, CPU time.
import { readdirSync, readFileSync } from 'node:fs';
import { intArg, onlyKeys, runTool, ToolError } from './lib/io.mjs';

// USER_HZ is 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

function readProcess(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may itself contain spaces and parentheses.
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const f = stat.slice(close + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const rssKb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    // Gone meanwhile, or not readable: keep the name.
  }
  return {
    pid: Number(pid),
    ppid: Number(f[1]),
    name,
    state: f[0],
    uid: uid === undefined ? null : Number(uid),
    rss_bytes: rssKb === undefined ? 0 : Number(rssKb) * 1024,
    cpu_seconds: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS,
    threads: Number(f[17]),
    cmdline: cmdline.slice(0, 1000),
  };
}

await runTool((args) => {
  onlyKeys(args, ['limit']);
  const limit = intArg(args, 'limit', { min: 1, max: 10_000, fallback: 50 });
  let entries;
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    throw new ToolError('process_list needs /proc (Linux)');
  }
  const processes = [];
  for (const pid of entries) {
    try {
      processes.push(readProcess(pid));
    } catch {
      // The process exited between readdir and read; that is normal.
    }
  }
  processes.sort((a, b) => b.rss_bytes - a.rss_bytes || a.pid - b.pid);
  return { total: processes.length, processes: processes.slice(0, limit) };
});
