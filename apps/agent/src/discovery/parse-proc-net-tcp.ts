/** One listening socket of /proc/net/tcp or /proc/net/tcp6. */
export interface ListeningSocket {
  family: 'ipv4' | 'ipv6';
  /** The bound address in its usual text form (`0.0.0.0`, `127.0.0.1`, `::`, `::1`). */
  ip: string;
  port: number;
  /** The socket's inode: matched against `/proc/<pid>/fd/*` links (`socket:[<inode>]`). */
  inode: string;
}

/** `st` of a socket in LISTEN state (include/net/tcp_states.h: TCP_LISTEN = 10). */
const TCP_LISTEN = '0A';

/**
 * The listening sockets of one /proc/net/tcp{,6} text. Each data line is
 * `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …`
 * with addresses as hex in the kernel's byte order (each 32-bit word little-endian) and the port
 * as big-endian hex. Lines that do not have that shape are skipped.
 */
export function parseProcNetTcp(text: string, family: 'ipv4' | 'ipv6'): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  const hexLength = family === 'ipv4' ? 8 : 32;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
    const m = /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(f[1]!);
    if (!m || m[1]!.length !== hexLength || !/^\d+$/.test(f[9]!)) continue;
    out.push({ family, ip: ipOf(m[1]!), port: parseInt(m[2]!, 16), inode: f[9]! });
  }
  return out;
}

/** Bytes of the kernel's hex address: every 32-bit word is stored little-endian. */
function bytesOf(hex: string): number[] {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  return bytes;
}

function ipOf(hex: string): string {
  const bytes = bytesOf(hex);
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 text: the longest run (≥ 2) of zero groups becomes `::`; IPv4-mapped stays readable. */
function compressIpv6(groups: string[]): string {
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const v4 = [groups[6]!, groups[7]!].flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    });
    return `::ffff:${v4.join('.')}`;
  }
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  const head = groups.slice(0, best.start).join(':');
  const tail = groups.slice(best.start + best.len).join(':');
  return `${head}::${tail}`;
}
