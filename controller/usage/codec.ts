import { recordId, type UsageRecord } from './model.js';

// The stored form of a raw usage record: one line of CSV fields in a fixed
// order, led by a format version, instead of a ~30-key JSON object. Half the
// bytes (LevelDB writes and reads them, and a record waiting for its group
// commit holds them), no key names to parse back, and the CSV export copies the
// middle of the line as it is (fields stored in its column order, escaped as it
// escapes them). Records stored before (JSON objects) are read as they are:
// every reader goes through decodeUsage.

/** Leads every encoded record; a later layout takes the next number. */
const V1 = '1,';
const SPECIAL = /[",\r\n]/;

/** Field positions in a v1 line (0 is the version). */
export const F = {
  start: 1,
  end: 2,
  /** '' when it is the record's own id (recordId), as for every record of our own agents. */
  id: 3,
  source: 4,
  tenant: 5,
  app: 6,
  userGroup: 7,
  setId: 8,
  vmId: 9,
  vmName: 10,
  hostId: 11,
  scheme: 12,
  vmClass: 13,
  sla: 14,
  vcpus: 15,
  memoryMib: 16,
  cpuSeconds: 17,
  memoryByteSeconds: 18,
  diskReadBytes: 19,
  diskWriteBytes: 20,
  netRxBytes: 21,
  netTxBytes: 22,
  uptimeSeconds: 23,
  vcpuSeconds: 24,
  memoryMibSeconds: 25,
  records: 26,
  monitorPolls: 27,
  monitorProbeSeconds: 28,
  monitorActions: 29,
  oomKills: 30,
  throttledSeconds: 31,
  /** Then the sources map: key, value, key, value ... */
  sources: 32,
} as const;

/** A field as CSV writes it (RFC 4180: quoted, quotes doubled, only when needed). */
export const esc = (s: string): string => (SPECIAL.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The stored form of a raw record. Counters a record lacks are stored as 0 (they read as 0 everywhere). */
export function encodeUsage(r: UsageRecord): string {
  const id = r.id === recordId(r) ? '' : esc(r.id);
  let src = '';
  for (const k in r.sources) src += `,${esc(k)},${esc(r.sources[k]!)}`;
  return (
    `${V1}${r.startUnixMs},${r.endUnixMs},${id},${esc(r.source)},${esc(r.tenant)},${esc(r.app)},${esc(r.userGroup)},` +
    `${esc(r.setId)},${esc(r.vmId)},${esc(r.vmName)},${esc(r.hostId)},${esc(r.scheme)},${esc(r.vmClass)},${esc(r.sla)},` +
    `${r.vcpus},${r.memoryMib},${r.cpuSeconds},${r.memoryByteSeconds},${r.diskReadBytes},${r.diskWriteBytes},` +
    `${r.netRxBytes},${r.netTxBytes},${r.uptimeSeconds},${r.vcpuSeconds},${r.memoryMibSeconds},${r.records},` +
    `${r.monitorPolls ?? 0},${r.monitorProbeSeconds ?? 0},${r.monitorActions ?? 0},${r.oomKills ?? 0},` +
    `${r.throttledSeconds ?? 0}${src}`
  );
}

/** Splits a CSV line into its fields (unquoting); the fast path when nothing is quoted. */
export function splitFields(s: string): string[] {
  if (!s.includes('"')) return s.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) throw new Error('unterminated quoted field');
        v += s.slice(j, q);
        if (s[q + 1] === '"') {
          v += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(v);
    } else {
      const c = s.indexOf(',', i);
      out.push(s.slice(i, c < 0 ? s.length : c));
      i = c < 0 ? s.length : c;
    }
    if (i >= s.length) return out;
    if (s[i] !== ',') throw new Error('text after a quoted field');
    i++;
    if (i === s.length) {
      out.push('');
      return out;
    }
  }
}

/** A raw record as stored now (a v1 line) or before (a JSON object): the record. */
export function decodeUsage(v: UsageRecord | string): UsageRecord {
  if (typeof v !== 'string') return v;
  if (!v.startsWith(V1)) throw new Error(`usage record in an unknown stored format (${v.slice(0, 8)})`);
  const f = splitFields(v);
  if (f.length < F.sources || (f.length - F.sources) % 2) throw new Error('usage record with missing fields');
  const n = (i: number) => Number(f[i]);
  const sources: Record<string, string> = {};
  for (let i = F.sources; i < f.length; i += 2) sources[f[i]!] = f[i + 1]!;
  const r: UsageRecord = {
    id: f[F.id]!,
    vmId: f[F.vmId]!,
    vmName: f[F.vmName]!,
    setId: f[F.setId]!,
    tenant: f[F.tenant]!,
    hostId: f[F.hostId]!,
    scheme: f[F.scheme]!,
    vmClass: f[F.vmClass]!,
    app: f[F.app]!,
    userGroup: f[F.userGroup]!,
    sla: f[F.sla] as UsageRecord['sla'],
    vcpus: n(F.vcpus),
    memoryMib: n(F.memoryMib),
    startUnixMs: n(F.start),
    endUnixMs: n(F.end),
    cpuSeconds: n(F.cpuSeconds),
    memoryByteSeconds: n(F.memoryByteSeconds),
    diskReadBytes: n(F.diskReadBytes),
    diskWriteBytes: n(F.diskWriteBytes),
    netRxBytes: n(F.netRxBytes),
    netTxBytes: n(F.netTxBytes),
    uptimeSeconds: n(F.uptimeSeconds),
    vcpuSeconds: n(F.vcpuSeconds),
    memoryMibSeconds: n(F.memoryMibSeconds),
    records: n(F.records),
    monitorPolls: n(F.monitorPolls),
    monitorProbeSeconds: n(F.monitorProbeSeconds),
    monitorActions: n(F.monitorActions),
    oomKills: n(F.oomKills),
    throttledSeconds: n(F.throttledSeconds),
    sources,
    source: f[F.source]!,
  };
  if (!r.id) r.id = recordId(r);
  return r;
}

/** Raw or imported values as a scan yields them (either stored form), or any other usage row as it is. */
export const decodeStored = <T>(v: T | string): T => (typeof v === 'string' ? (decodeUsage(v) as T) : v);
