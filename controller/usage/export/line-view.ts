import { F } from '../codec.js';
import type { UsageFilter, UsageMetrics } from '../model.js';

/**
 * A stored v1 record line read in place: where each field starts, so an export
 * filters on and copies fields without building the record (a million-record
 * export built a million 30-key objects). Only for lines with nothing quoted
 * (no field holds a comma, quote or line break): reset() says false for the
 * others, which go through decodeUsage.
 */
export class LineView {
  private s = '';
  /** Start offset of fields 0..F.sources (F.sources: where the sources map begins, or past the end). */
  private readonly at = new Int32Array(F.sources + 1);

  reset(s: string): boolean {
    if (s.includes('"')) return false;
    let p = 0;
    for (let i = 0; i < F.sources; i++) {
      this.at[i] = p;
      const c = s.indexOf(',', p);
      if (c < 0) {
        if (i !== F.sources - 1) return false;
        p = s.length + 1;
      } else p = c + 1;
    }
    this.at[F.sources] = p;
    this.s = s;
    return true;
  }

  private end(i: number): number {
    return this.at[i + 1]! - 1;
  }

  str(i: number): string {
    return this.s.slice(this.at[i], this.end(i));
  }

  num(i: number): number {
    return Number(this.str(i));
  }

  /** Whether field i is exactly `v` (no copy). */
  eq(i: number, v: string): boolean {
    const a = this.at[i]!;
    return this.end(i) - a === v.length && this.s.startsWith(v, a);
  }

  /** The text of fields i..j as stored, commas included. */
  slice(i: number, j: number): string {
    return this.s.slice(this.at[i], this.end(j));
  }

  /** The record's id: stored, or its own (recordId) when stored empty. */
  id(): string {
    return this.at[F.id + 1]! - 1 > this.at[F.id]!
      ? this.str(F.id)
      : `${this.str(F.hostId)}.${this.str(F.vmId)}.${this.str(F.start)}`;
  }

  /** model.ts matches(), on the stored fields. */
  matches(f: UsageFilter): boolean {
    if (
      (f.tenant && !this.eq(F.tenant, f.tenant)) ||
      (f.app && !this.eq(F.app, f.app)) ||
      (f.userGroup && !this.eq(F.userGroup, f.userGroup)) ||
      (f.setId && !this.eq(F.setId, f.setId)) ||
      (f.vmId && !this.eq(F.vmId, f.vmId)) ||
      (f.hostId && !this.eq(F.hostId, f.hostId)) ||
      !this.eq(F.source, f.source ?? '')
    )
      return false;
    const start = this.num(F.start);
    return start >= f.fromUnixMs && (!f.toUnixMs || start < f.toUnixMs);
  }

  /** The counters a price applies to. */
  metrics(): UsageMetrics {
    return {
      cpuSeconds: this.num(F.cpuSeconds),
      memoryByteSeconds: this.num(F.memoryByteSeconds),
      diskReadBytes: this.num(F.diskReadBytes),
      diskWriteBytes: this.num(F.diskWriteBytes),
      netRxBytes: this.num(F.netRxBytes),
      netTxBytes: this.num(F.netTxBytes),
      uptimeSeconds: this.num(F.uptimeSeconds),
      vcpuSeconds: this.num(F.vcpuSeconds),
      memoryMibSeconds: this.num(F.memoryMibSeconds),
      records: this.num(F.records),
      monitorPolls: this.num(F.monitorPolls),
      monitorProbeSeconds: this.num(F.monitorProbeSeconds),
      monitorActions: this.num(F.monitorActions),
      oomKills: this.num(F.oomKills),
      throttledSeconds: this.num(F.throttledSeconds),
    };
  }
}
