import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { DiscoveredComponent } from '@xem/protocol';
import { parseProcNetTcp, type ListeningSocket } from './parse-proc-net-tcp';

/** The component kind of a listening TCP socket. */
export const TCP_LISTENER = 'tcp_listener';

/**
 * The host's listening TCP services, from `<procRoot>/net/tcp` and `tcp6`, each with the name of
 * the process that owns the socket where its `/proc/<pid>/fd` is readable (other users'
 * processes are not, unless the agent runs as root: then the name is `tcp/<port>` and
 * `process` is null). Sorted by address for stable output.
 */
export function scanListeningServices(procRoot = '/proc'): DiscoveredComponent[] {
  const sockets = [
    ...parseProcNetTcp(readOrEmpty(join(procRoot, 'net/tcp')), 'ipv4'),
    ...parseProcNetTcp(readOrEmpty(join(procRoot, 'net/tcp6')), 'ipv6'),
  ];
  const owners = socketOwners(procRoot, new Set(sockets.map((s) => s.inode)));
  const byAddress = new Map<string, DiscoveredComponent>();
  for (const s of sockets) {
    const address = addressOf(s);
    const process = owners.get(s.inode) ?? null;
    byAddress.set(address, {
      kind: TCP_LISTENER,
      name: process ?? `tcp/${s.port}`,
      address,
      // Only facts that stay put while the service runs: a pid would re-propose a rejected one on every restart.
      attributes: { protocol: 'tcp', family: s.family, bind: s.ip, port: s.port, process },
    });
  }
  return [...byAddress.values()].sort((a, b) => (a.address! < b.address! ? -1 : 1));
}

export function addressOf(s: Pick<ListeningSocket, 'family' | 'ip' | 'port'>): string {
  return s.family === 'ipv6' ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** inode → process name (`/proc/<pid>/comm`) for the wanted socket inodes this user can see. */
function socketOwners(procRoot: string, wanted: ReadonlySet<string>): Map<string, string> {
  const owners = new Map<string, string>();
  if (wanted.size === 0) return owners;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(join(procRoot, pid, 'fd'));
    } catch {
      continue; // another user's process, or it exited meanwhile
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(join(procRoot, pid, 'fd', fd));
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !wanted.has(m[1]!) || owners.has(m[1]!)) continue;
      const comm = readOrEmpty(join(procRoot, pid, 'comm')).trim();
      if (comm) owners.set(m[1]!, comm);
    }
  }
  return owners;
}
