// Finds hypervisor tooling (QEMU) on the host. Only presence and version are
// decided here; whether KVM actually works is left to a probe guest.
import { execFile } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import type { HypervisorInfo__Output as HypervisorInfo } from '../../common/gen/nephele/v1/HypervisorInfo.js';

/** A hypervisor found on the host; its accelerator is the driver's to say (withAccelerator). */
export type DetectedHypervisor = Omit<HypervisorInfo, 'accelerator' | 'acceleratorReason'>;

export interface DetectOptions {
  /** PATH to search; defaults to process.env.PATH. */
  pathEnv?: string;
  /** Searched after PATH: services often run with a minimal PATH. */
  extraDirs?: string[];
  /** The KVM device node. */
  kvmDevice?: string;
  /** Host architecture in Node's spelling (process.arch). */
  hostArch?: string;
  /** Timeout for `<bin> --version`. */
  timeoutMs?: number;
}

// QEMU system emulators we drive, with the Node arch on which they can use KVM.
const QEMU_BINARIES: ReadonlyArray<{ bin: string; kvmArch: string }> = [
  { bin: 'qemu-system-x86_64', kvmArch: 'x64' },
  { bin: 'qemu-system-aarch64', kvmArch: 'arm64' },
];

const VERSION_RE = /QEMU emulator version (\d+(?:\.\d+)*)/;

/** "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)" -> "8.2.2"; otherwise the first line. */
export function parseQemuVersion(stdout: string): string {
  const first = stdout.split('\n', 1)[0]?.trim() ?? '';
  return VERSION_RE.exec(first)?.[1] ?? first;
}

async function canAccess(p: string, mode: number): Promise<boolean> {
  try {
    await access(p, mode);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` in dirs (absolute dirs only: a relative PATH entry would depend on our cwd). */
async function which(name: string, dirs: string[]): Promise<string | undefined> {
  const file = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of dirs) {
    const candidate = path.join(dir, file);
    if (await canAccess(candidate, fsc.X_OK)) return candidate;
  }
  return undefined;
}

function runVersion(bin: string, timeoutMs: number): Promise<{ version: string; error?: string }> {
  return new Promise((resolve) => {
    try {
      execFile(bin, ['--version'], { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
        if (err) resolve({ version: '', error: err.message.split('\n', 1)[0] ?? String(err) });
        else resolve({ version: parseQemuVersion(String(stdout)) });
      });
    } catch (err) {
      // execFile throws synchronously for some argument errors; never let that escape.
      resolve({ version: '', error: err instanceof Error ? err.message : String(err) });
    }
  });
}

export async function detectHypervisors(opts: DetectOptions = {}): Promise<DetectedHypervisor[]> {
  try {
    const pathEnv = opts.pathEnv ?? process.env['PATH'] ?? '';
    const extra = opts.extraDirs ?? ['/usr/bin', '/usr/local/bin'];
    const dirs = [...new Set([...pathEnv.split(path.delimiter), ...extra])].filter((d) => path.isAbsolute(d));
    const hostArch = opts.hostArch ?? process.arch;
    const kvmOk = await canAccess(opts.kvmDevice ?? '/dev/kvm', fsc.R_OK | fsc.W_OK);

    const found: DetectedHypervisor[] = [];
    for (const { bin, kvmArch } of QEMU_BINARIES) {
      const binary = await which(bin, dirs);
      if (!binary) continue;
      const { version, error } = await runVersion(binary, opts.timeoutMs ?? 3000);
      // KVM only accelerates guests of the host's own architecture.
      const native = kvmArch === hostArch;
      let detail: string;
      if (!native) detail = 'foreign architecture: emulation only (TCG)';
      else if (kvmOk) detail = 'kvm device present (usability decided by a probe guest)';
      else detail = 'no read-write /dev/kvm: emulation only (TCG)';
      if (error) detail += `; version check failed: ${error}`;
      found.push({ name: 'qemu', binary, version, kvmDevice: native && kvmOk, detail });
    }
    return found;
  } catch {
    // Inventory must still be reported when detection itself breaks.
    return [];
  }
}

/** What a QEMU driver said about itself (its fingerprint attributes: binary, accelerator, accelerator_reason). */
export interface QemuFingerprint {
  attributes: Record<string, string>;
}

/**
 * The hypervisor entries with the accelerator the QEMU driver chose (by its
 * probe guest) on the entry of the binary it drives: the inventory then says
 * whether guests run under KVM or TCG, not only the agent's log.
 */
export function withAccelerator<H extends { name?: string; binary?: string }>(
  found: H[],
  qemu: QemuFingerprint | undefined,
): (H & { accelerator?: string; acceleratorReason?: string })[] {
  const a = qemu?.attributes;
  if (!a?.accelerator || !a.binary) return found;
  return found.map((h) =>
    h.name === 'qemu' && path.basename(h.binary ?? '') === path.basename(a.binary!)
      ? { ...h, accelerator: a.accelerator!, acceleratorReason: a.accelerator_reason ?? '' }
      : h,
  );
}
