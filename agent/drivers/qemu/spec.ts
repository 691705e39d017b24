import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { CONTROL_CHARS_RE } from '../../../common/validate.js';
import { CONFIG_KEY_RE, CONFIG_VALUE_MAX, MIN_MEMORY_MIB as SCHEME_MIN_MEMORY_MIB } from '../../../common/limits.js';
import { DriverError, type Fingerprint, type VmSpec } from '../driver.js';
import { defaultImage, loadImage, type GuestImage } from './image.js';
import { kvmUsable, type AccelMode, type AccelProber } from './probe.js';
import { MAX_SOCKET_PATH } from './unix.js';

// What the qemu driver checks before it runs anything: the host (binaries,
// image, accelerator) and each VM's spec.

/** Below this the guest kernel + initramfs do not come up (measured; common/limits.ts). */
export const MIN_MEMORY_MIB = SCHEME_MIN_MEMORY_MIB.qemu;
export const VM_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  for (const d of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = join(d, cmd);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/** The spec checked against what this driver can run: the image it names, or INVALID_SPEC naming the field. */
export function validateSpec(spec: VmSpec, stateDir: string, imageRoot: string): GuestImage {
  const bad = (what: string) => {
    throw new DriverError(`invalid VM spec: ${what}`, 'INVALID_SPEC');
  };
  if (!VM_ID_RE.test(spec.id ?? '')) bad(`id ${JSON.stringify(spec.id)} (1-64 of [A-Za-z0-9_-])`);
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > 64) bad(`vcpus ${spec.vcpus} (1-64)`);
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < MIN_MEMORY_MIB)
    bad(`memoryMiB ${spec.memoryMiB} (at least ${MIN_MEMORY_MIB} MiB)`);
  if (!(spec.diskGiB >= 0) || spec.diskGiB > 16_384) bad(`diskGiB ${spec.diskGiB}`);
  if (!Number.isInteger(spec.appliancePort) || spec.appliancePort < 1 || spec.appliancePort > 65535)
    bad(`appliancePort ${spec.appliancePort}`);
  for (const [k, v] of Object.entries(spec.config ?? {})) {
    if (!CONFIG_KEY_RE.test(k)) bad(`config key ${JSON.stringify(k)} (${CONFIG_KEY_RE.source.slice(1, -1)})`);
    if (typeof v !== 'string' || /[\r\n]/.test(v) || v.length > CONFIG_VALUE_MAX)
      bad(`config ${k}: value must be one line`);
  }
  if (spec.base) {
    const b = spec.base;
    if (b.format !== 'qcow2' && b.format !== 'raw') bad(`base.format ${b.format} (qcow2 or raw)`);
    if (!/^[0-9a-f]{64}$/.test(b.sha256 ?? '')) bad('base.sha256 (64 hex digits)');
    if (!isAbsolute(b.path ?? '') || CONTROL_CHARS_RE.test(b.path)) bad('base.path (an absolute path)');
    if (!b.bootImage) bad('base.bootImage (the shipped image with the kernel)');
  }
  const sock = join(stateDir, spec.id, 'qmp.sock');
  if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) bad(`state dir too deep for unix sockets (${sock})`);
  // A clone boots the shipped image's kernel + initramfs on its base's disk.
  const image = loadImage(imageRoot, spec.base?.bootImage || spec.image);
  const min = Number(image.manifest.minMemoryMiB);
  if (Number.isFinite(min) && spec.memoryMiB < min)
    bad(`memoryMiB ${spec.memoryMiB} (image ${image.name} needs ${min} MiB)`);
  return image;
}

/** Whether QEMU can run VMs here, and how (binary, version, image, accelerator). */
export async function qemuFingerprint(o: {
  binary: string;
  qemuImg: string;
  imageRoot: string;
  accel?: AccelMode;
  version: () => Promise<string>;
  prober: AccelProber;
}): Promise<Fingerprint> {
  const binary = which(o.binary);
  const attributes: Record<string, string> = { binary: binary ?? '' };
  if (!binary) return { scheme: 'qemu', healthy: false, detail: `${o.binary} not found in PATH`, attributes };
  if (!which(o.qemuImg))
    return { scheme: 'qemu', healthy: false, detail: `${o.qemuImg} not found in PATH`, attributes };
  let version: string;
  try {
    version = await o.version();
  } catch (e) {
    return { scheme: 'qemu', healthy: false, detail: (e as Error).message, attributes };
  }
  attributes.version = version;
  const image = defaultImage(o.imageRoot);
  if (!image) {
    attributes.accelerator = o.accel && o.accel !== 'auto' ? o.accel : 'tcg';
    return {
      scheme: 'qemu',
      healthy: false,
      detail: `no complete guest image under ${o.imageRoot}`,
      attributes,
    };
  }
  const choice = await o.prober.choose(image, version);
  Object.assign(attributes, { accelerator: choice.accel, accelerator_reason: `${choice.source}: ${choice.detail}` });
  attributes.image = image.name;
  attributes.kvmDevice = kvmUsable() ? 'usable' : 'absent';
  return {
    scheme: 'qemu',
    healthy: true,
    detail: `QEMU ${version}, ${choice.accel} (${choice.source}: ${choice.detail}), image ${image.name}`,
    attributes,
  };
}
