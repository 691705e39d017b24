import {
  DefinitionError,
  type CanonicalDefinition,
  type DiskBus,
  type DiskFormatName,
  type Lossy,
  type NicModel,
} from '../../../common/spec/definition.js';
import { checkCanonical } from './canonical.js';

// What every format codec shares: the request field errors name, the input
// bound, value checks that point at the source's own location, and the lossy
// list (bounded; never silently truncated: an overflow says so).

export const FIELD = 'text';
/** Largest definition text accepted (bytes of UTF-8 are at least its length). */
export const MAX_TEXT = 1024 * 1024;
/** Lossy entries kept per conversion; the last one says how many more there were. */
export const MAX_LOSSY = 200;
const MAX_VALUE = 256;

export const bad = (where: string, problem: string) => new DefinitionError(FIELD, where, problem);

export function checkSize(text: string): void {
  if (typeof text !== 'string') throw bad('', 'must be text');
  if (text.length > MAX_TEXT || Buffer.byteLength(text) > MAX_TEXT) throw bad('', `larger than ${MAX_TEXT} bytes`);
}

export function int(v: string, where: string, min: number, max: number): number {
  const t = v.trim();
  if (!/^\d{1,16}$/.test(t)) throw bad(where, `${JSON.stringify(t.slice(0, 40))} is not a whole number`);
  const n = Number(t);
  if (n < min || n > max) throw bad(where, `${n} is out of range (${min} to ${max})`);
  return n;
}

export function mac(v: string, where: string): string {
  const m = v.trim().toLowerCase().replace(/-/g, ':');
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m))
    throw bad(where, `${JSON.stringify(v.slice(0, 40))} is not a MAC address`);
  return m;
}

/** Collects lossy entries, bounded. */
export class LossyList {
  readonly items: Lossy[] = [];
  private dropped = 0;
  add(path: string, value: unknown, reason: string): void {
    if (this.items.length >= MAX_LOSSY) {
      this.dropped++;
      return;
    }
    const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    this.items.push({ path: path.slice(0, MAX_VALUE), value: s.slice(0, MAX_VALUE), reason });
  }
  done(): Lossy[] {
    if (this.dropped)
      this.items.push({ path: '', value: String(this.dropped), reason: 'more lossy fields not listed' });
    return this.items;
  }
}

/** The definition a codec built, checked as canonical JSON is (the same rules for every format). */
export function finish(def: CanonicalDefinition, lossy: LossyList): { def: CanonicalDefinition; lossy: Lossy[] } {
  return { def: checkCanonical(def).def, lossy: lossy.done() };
}

/** A canonical field the target cannot express, for render(). */
export function cannot(l: LossyList, target: string, path: string, value: unknown, what: string): void {
  l.add(path, value, `${target} cannot express ${what}`);
}

/** Fields every target without them reports the same way. */
export function nepheleOnly(def: CanonicalDefinition, l: LossyList, target: string): void {
  if (def.appliancePort !== undefined) cannot(l, target, '$.appliancePort', def.appliancePort, 'an appliance port');
  if (def.config !== undefined) cannot(l, target, '$.config', def.config, 'appliance settings');
}

/** Disk format named by a file's extension (vmx/xl/qemu sources often leave it implicit). */
export function formatOfFile(file: string): DiskFormatName | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'qcow2' || ext === 'qcow') return 'qcow2';
  if (ext === 'vmdk') return 'vmdk';
  if (ext === 'vhd' || ext === 'vpc') return 'vhd';
  if (ext === 'img' || ext === 'raw' || ext === 'iso') return 'raw';
  return undefined;
}

export const NIC_MODELS: readonly NicModel[] = ['virtio', 'e1000', 'rtl8139', 'vmxnet3'];
export const BUSES: readonly DiskBus[] = ['virtio', 'scsi', 'ide', 'sata'];

/** A fresh definition with the canonical defaults; codecs fill it from the source. */
export function blank(): CanonicalDefinition {
  return {
    version: 1,
    name: '',
    vcpus: 1,
    memoryMib: 512,
    arch: 'x86_64',
    firmware: 'bios',
    disks: [],
    nics: [],
    serial: false,
  };
}

/** A reader of keyed settings that marks each one it hands out as used (the rest become lossy). */
export function taker<T extends { used: boolean }>(map: Map<string, T>, norm: (k: string) => string = (k) => k) {
  return (key: string): T | undefined => {
    const e = map.get(norm(key));
    if (e) e.used = true;
    return e;
  };
}
