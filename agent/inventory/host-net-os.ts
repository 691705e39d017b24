// NICs and OS for the inventory, read from node:os, sysfs and /etc/os-release.
// systeminformation's networkInterfaces() and osInfo() run ethtool, nmcli, ip,
// dmidecode and friends through execSync, one per interface: they block the
// agent's event loop for seconds on a busy host, longer with many VM taps.
import { readFile, realpath } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import type { RawSi } from './map.js';

type RawNic = RawSi['networkInterfaces'][number];

/** Interfaces read per inventory: a host with thousands of taps reports the first ones (the controller cuts further). */
export const MAX_NICS = 256;

export interface NetOsPaths {
  sysNet?: string;
  osRelease?: string[];
}

async function sysValue(dir: string, iface: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, iface, name), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** First address of a family, preferring a routable one over link-local (as systeminformation does). */
function firstAddress(addrs: os.NetworkInterfaceInfo[], family: 'IPv4' | 'IPv6'): string {
  const mine = addrs.filter((a) => a.family === family).map((a) => a.address);
  const linkLocal = family === 'IPv4' ? /^169\.254\./ : /^fe80:/i;
  return mine.find((a) => !linkLocal.test(a)) ?? mine[0] ?? '';
}

export async function readNics(
  ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  paths: NetOsPaths = {},
): Promise<RawNic[]> {
  const sysNet = paths.sysNet ?? '/sys/class/net';
  const names = Object.keys(ifaces)
    .filter((n) => !n.includes('/') && n !== '.' && n !== '..')
    .slice(0, MAX_NICS);
  return Promise.all(
    names.map(async (iface): Promise<RawNic> => {
      const addrs = ifaces[iface] ?? [];
      const internal = addrs.some((a) => a.internal);
      const [operstate, speed, device] = await Promise.all([
        sysValue(sysNet, iface, 'operstate'),
        sysValue(sysNet, iface, 'speed'),
        realpath(join(sysNet, iface)).catch(() => ''),
      ]);
      const mbps = Number(speed);
      return {
        iface,
        ip4: firstAddress(addrs, 'IPv4'),
        ip6: firstAddress(addrs, 'IPv6'),
        mac: addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? '',
        internal,
        // The kernel's own word: software devices (bridges, taps, veth) live under devices/virtual.
        virtual: !internal && device.includes('/devices/virtual/'),
        operstate: operstate ?? 'unknown',
        speed: speed !== undefined && Number.isInteger(mbps) && mbps >= 0 ? mbps : null,
      };
    }),
  );
}

/** KEY=value lines of an os-release file (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').slice(0, 200)) {
    const m = /^([A-Z0-9_]{1,64})=(.{0,512})$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

export async function readOs(paths: NetOsPaths = {}): Promise<RawSi['osInfo']> {
  let release: Record<string, string> = {};
  for (const file of paths.osRelease ?? ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      release = parseOsRelease(await readFile(file, 'utf8'));
      break;
    } catch {
      /* the next one */
    }
  }
  const distro = release['NAME'] ?? (process.platform === 'linux' ? 'unknown' : os.type());
  const pretty = release['PRETTY_NAME'] ?? '';
  // "Debian GNU/Linux 12 (bookworm)" with NAME "Debian GNU/Linux" → "12", else VERSION_ID.
  const fromPretty = pretty.startsWith(`${distro} `)
    ? pretty
        .slice(distro.length + 1)
        .split('(')[0]!
        .trim()
    : '';
  return {
    platform: process.platform,
    distro,
    release: fromPretty || release['VERSION_ID'] || 'unknown',
    kernel: os.release(),
    arch: os.arch(),
    hostname: os.hostname(),
  };
}
