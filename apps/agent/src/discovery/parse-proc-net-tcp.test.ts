import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcNetTcp } from './parse-proc-net-tcp';
import { scanListeningServices } from './scan-listening-services';

// Captured from a Linux host (columns after `inode` trimmed where the kernel pads them).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20712 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 31337 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1538 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   999        0 0 1 0000000000000000 20 4 30 10 -1
   3: garbage line
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20714 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 40404 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 50505 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('keeps LISTEN sockets of IPv4 with address, port and inode', () => {
    expect(parseProcNetTcp(TCP, 'ipv4')).toEqual([
      { family: 'ipv4', ip: '0.0.0.0', port: 22, inode: '20712' },
      { family: 'ipv4', ip: '127.0.0.1', port: 5432, inode: '31337' },
    ]);
  });

  it('decodes IPv6 words (any, loopback, IPv4-mapped)', () => {
    expect(parseProcNetTcp(TCP6, 'ipv6')).toEqual([
      { family: 'ipv6', ip: '::', port: 22, inode: '20714' },
      { family: 'ipv6', ip: '::1', port: 3306, inode: '40404' },
      { family: 'ipv6', ip: '::ffff:127.0.0.1', port: 8080, inode: '50505' },
    ]);
  });

  it('answers nothing for empty or foreign text', () => {
    expect(parseProcNetTcp('', 'ipv4')).toEqual([]);
    expect(parseProcNetTcp(TCP, 'ipv6')).toEqual([]);
  });
});

describe('scanListeningServices', () => {
  it('names the owning process from /proc/<pid>/fd socket links, else tcp/<port>', () => {
    const root = mkdtempSync(join(tmpdir(), 'xem-proc-'));
    mkdirSync(join(root, 'net'));
    writeFileSync(join(root, 'net/tcp'), TCP);
    writeFileSync(join(root, 'net/tcp6'), TCP6);
    mkdirSync(join(root, '4242/fd'), { recursive: true });
    writeFileSync(join(root, '4242/comm'), 'postgres\n');
    symlinkSync('socket:[31337]', join(root, '4242/fd/7'));
    symlinkSync('/dev/null', join(root, '4242/fd/0'));
    const found = scanListeningServices(root);
    expect(found.map((c) => [c.address, c.name])).toEqual([
      ['0.0.0.0:22', 'tcp/22'],
      ['127.0.0.1:5432', 'postgres'],
      ['[::1]:3306', 'tcp/3306'],
      ['[::]:22', 'tcp/22'],
      ['[::ffff:127.0.0.1]:8080', 'tcp/8080'],
    ]);
    expect(found[1]).toEqual({
      kind: 'tcp_listener',
      name: 'postgres',
      address: '127.0.0.1:5432',
      attributes: { protocol: 'tcp', family: 'ipv4', bind: '127.0.0.1', port: 5432, process: 'postgres' },
    });
  });
});
