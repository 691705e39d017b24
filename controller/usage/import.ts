import type { ImportUsageRequest__Output } from '../../common/gen/nephele/v1/ImportUsageRequest.js';
import type { UsageRow__Output } from '../../common/gen/nephele/v1/UsageRow.js';
import type { Clock } from '../../common/clock.js';
import { InvalidArgumentError, PermissionDeniedError, UnauthenticatedError } from '../../common/errors.js';
import { SlaEnum } from '../../common/grpc/convert.js';
import { ULID_RE } from '../../common/ids.js';
import { at, absent, KeyedMutex, put, retryOnConflict, type Op, type Store } from '../../common/store/index.js';
import { requireName } from '../../common/validate.js';
import { currentCall } from '../context.js';
import type { EventLog } from '../events/log.js';
import { SCHEMES } from '../vms/spec.js';
import { dimValueArg, SOURCE_RE } from './convert.js';
import { DAY_MS, importedKey, USAGE_IMPORTED, type UsageRecord } from './model.js';

// ImportUsage, the target side. The source is another administrative domain:
// every field of every record is checked before anything is stored (one bad
// record refuses the call, naming it), and records are kept apart from this
// controller's own usage (USAGE_IMPORTED), once per source + record id.

/** What a source has imported, and the client certificate it is pinned to. */
export const USAGE_SOURCES = 'usage-sources';
export interface SourceRecord {
  source: string;
  /** The first import's client certificate: `ca:<sha256>` of its issuing CA, or `cert:<sha256>` of itself (service-peers.ts). */
  certFingerprint: string;
  firstImportUnixMs: number;
  lastImportUnixMs: number;
  records: number;
}

export const IMPORT_MAX = 5000;
const RECORD_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,159}$/;
const SOURCE_KEY_RE = /^[a-z0-9_]{1,32}$/;
const MAX_COUNTER = 1e18;
const EARLIEST_MS = Date.UTC(2000, 0, 1);

function counter(field: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > MAX_COUNTER)
    throw new InvalidArgumentError(field, 'must be a finite number from 0 to 1e18');
  return n;
}

function int(field: string, v: unknown, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(field, `must be an integer from ${min} to ${max}`);
  return n;
}

function id(field: string, v: unknown, required: boolean): string {
  if (!v && !required) return '';
  if (typeof v !== 'string' || !ULID_RE.test(v)) throw new InvalidArgumentError(field, 'is not a valid id');
  return v;
}

function sourcesArg(field: string, m: Record<string, string> | null | undefined): Record<string, string> {
  const entries = Object.entries(m ?? {});
  if (entries.length > 16) throw new InvalidArgumentError(field, 'at most 16 entries');
  for (const [k, v] of entries) {
    if (!SOURCE_KEY_RE.test(k)) throw new InvalidArgumentError(field, 'keys must match [a-z0-9_]{1,32}');
    if (typeof v !== 'string' || v.length > 64 || /[^\x20-\x7e]/.test(v))
      throw new InvalidArgumentError(`${field}.${k}`, 'must be at most 64 printable characters');
  }
  return Object.fromEntries(entries);
}

/** One imported row as a stored record of `source`; INVALID_ARGUMENT names `records[i].<field>`. */
export function importedRecord(r: UsageRow__Output, i: number, source: string, now: number): UsageRecord {
  const f = (name: string) => `records[${i}].${name}`;
  if (!r || typeof r !== 'object') throw new InvalidArgumentError(`records[${i}]`, 'is required');
  if (typeof r.recordId !== 'string' || !RECORD_ID_RE.test(r.recordId))
    throw new InvalidArgumentError(f('record_id'), 'must match [A-Za-z0-9][A-Za-z0-9._:-]*, at most 160');
  if (Number(r.records) !== 1) throw new InvalidArgumentError(f('records'), 'must be 1 (raw records only)');
  const startUnixMs = int(f('start_unix_ms'), r.startUnixMs, EARLIEST_MS, now + DAY_MS);
  const endUnixMs = int(f('end_unix_ms'), r.endUnixMs, startUnixMs + 1, startUnixMs + DAY_MS);
  const seconds = (endUnixMs - startUnixMs) / 1000;
  const uptimeSeconds = counter(f('uptime_seconds'), r.uptimeSeconds);
  if (uptimeSeconds > seconds + 1) throw new InvalidArgumentError(f('uptime_seconds'), 'is longer than the interval');
  if (!(SCHEMES as readonly string[]).includes(r.scheme))
    throw new InvalidArgumentError(f('scheme'), `must be one of ${SCHEMES.join(', ')}`);
  const sla = SlaEnum.optional(r.sla, f('sla')) ?? 'guaranteed';
  return {
    id: r.recordId,
    vmId: id(f('vm_id'), r.vmId, true),
    vmName: r.vmName ? requireName(f('vm_name'), r.vmName) : '',
    setId: id(f('set_id'), r.setId, false),
    tenant: r.tenant ? requireName(f('tenant'), r.tenant) : '',
    hostId: id(f('host_id'), r.hostId, true),
    scheme: r.scheme,
    vmClass: dimValueArg(f('vm_class'), r.vmClass),
    app: dimValueArg(f('app'), r.app),
    userGroup: dimValueArg(f('user_group'), r.userGroup),
    sla,
    vcpus: int(f('vcpus'), r.vcpus, 1, 1024),
    memoryMib: int(f('memory_mib'), r.memoryMib, 1, 16 * 1024 * 1024),
    startUnixMs,
    endUnixMs,
    cpuSeconds: counter(f('cpu_seconds'), r.cpuSeconds),
    memoryByteSeconds: counter(f('memory_byte_seconds'), r.memoryByteSeconds),
    diskReadBytes: counter(f('disk_read_bytes'), r.diskReadBytes),
    diskWriteBytes: counter(f('disk_write_bytes'), r.diskWriteBytes),
    netRxBytes: counter(f('net_rx_bytes'), r.netRxBytes),
    netTxBytes: counter(f('net_tx_bytes'), r.netTxBytes),
    uptimeSeconds,
    vcpuSeconds: counter(f('vcpu_seconds'), r.vcpuSeconds),
    memoryMibSeconds: counter(f('memory_mib_seconds'), r.memoryMibSeconds),
    records: 1,
    monitorPolls: counter(f('monitor_polls'), r.monitorPolls ?? 0),
    monitorProbeSeconds: counter(f('monitor_probe_seconds'), r.monitorProbeSeconds ?? 0),
    monitorActions: counter(f('monitor_actions'), r.monitorActions ?? 0),
    oomKills: counter(f('oom_kills'), r.oomKills ?? 0),
    throttledSeconds: counter(f('throttled_seconds'), r.throttledSeconds ?? 0),
    sources: sourcesArg(f('sources'), r.sources),
    source,
  };
}

export function sourceArg(v: unknown, field = 'source'): string {
  if (typeof v !== 'string' || !SOURCE_RE.test(v))
    throw new InvalidArgumentError(field, 'must match [a-z0-9][a-z0-9._-]*, at most 63');
  return v;
}

/** The request, validated whole: the source and every record. */
export function importArgs(req: ImportUsageRequest__Output, now: number): { source: string; records: UsageRecord[] } {
  const source = sourceArg(req.source);
  const rows = req.records ?? [];
  if (rows.length > IMPORT_MAX) throw new InvalidArgumentError('records', `at most ${IMPORT_MAX} per call`);
  return { source, records: rows.map((r, i) => importedRecord(r, i, source, now)) };
}

export class UsageImporter {
  /** One import per source at a time: they all move the source's record. */
  private readonly lock = new KeyedMutex();
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    /** A source must present a client certificate (off only on an insecure, loopback controller). */
    private readonly requireClientCert: boolean,
  ) {}

  /**
   * Stores what is new; a record already imported (same source + record id)
   * counts as a duplicate and is not rewritten. The first import pins the
   * source to the client certificate it came with; another one is refused.
   */
  import(
    req: ImportUsageRequest__Output,
    clientCertFingerprint: string,
  ): Promise<{ imported: number; duplicates: number }> {
    const { source, records } = importArgs(req, this.clock.now());
    if (this.requireClientCert && !clientCertFingerprint)
      throw new UnauthenticatedError('a source controller must present its client certificate');
    return this.lock.run(source, () =>
      retryOnConflict(async () => {
        const pin = await this.store.get<SourceRecord>(USAGE_SOURCES, source);
        if (pin && pin.value.certFingerprint !== clientCertFingerprint)
          throw new PermissionDeniedError('this source is pinned to another client certificate');
        const keys = records.map((r) => importedKey(source, r));
        const found = await this.store.getMany(USAGE_IMPORTED, keys);
        const seen = new Set<string>();
        const ops: Op[] = [];
        records.forEach((r, i) => {
          const k = keys[i]!;
          if (found[i] || seen.has(k)) return;
          seen.add(k);
          ops.push(put(USAGE_IMPORTED, k, r));
        });
        const imported = ops.length;
        const duplicates = records.length - imported;
        const call = currentCall();
        if (call?.audit)
          Object.assign(call.audit.attributes, { source, imported: String(imported), duplicates: String(duplicates) });
        if (!imported && pin) return { imported, duplicates };
        const now = this.clock.now();
        const rec: SourceRecord = {
          source,
          certFingerprint: clientCertFingerprint,
          firstImportUnixMs: pin?.value.firstImportUnixMs ?? now,
          lastImportUnixMs: now,
          records: (pin?.value.records ?? 0) + imported,
        };
        ops.push(put(USAGE_SOURCES, source, rec));
        await this.events.commit({
          ops,
          preconditions: [pin ? at(USAGE_SOURCES, source, pin.version) : absent(USAGE_SOURCES, source)],
        });
        return { imported, duplicates };
      }),
    );
  }
}
