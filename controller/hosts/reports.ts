import type { AgentEvent__Output as AgentEvent } from '../../common/gen/nephele/v1/AgentEvent.js';
import type { Inventory__Output as Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { retryOnConflict } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { VmRegistry } from '../vms/registry.js';
import { agentEventOf, checkAgentEvent, checkVmStatus, judgeSeq, type CheckedReport } from './agent-input.js';
import { ackDurable, type Session } from './live-session.js';
import { ackWrite, type AckWrite } from './acks.js';
import type { HostRegistry } from './registry.js';
import type { UsageBatch__Output as UsageBatch } from '../../common/gen/nephele/v1/UsageBatch.js';
import { checkUsageBatch, checkUsageHeader, RecordBudget, usageOps, type CheckedBatch } from '../usage/ingest.js';
import { UsageVms } from '../usage/vm-dims.js';
import { UsageSpans } from '../usage/continuity.js';
import { refusedEvent, refusedOps, type RefusedBatch } from '../usage/refused.js';

/**
 * What an agent reports that is stored: inventories whose hash changed, owner
 * state, agent events and VM state reports (the last two exactly once, by the
 * agent's durable sequence). Each runs on the session's write queue, in order.
 */
export class Reports {
  /** VMs arrive with the VM capability; until then VM reports are only acked. */
  vms?: VmRegistry;
  /**
   * Usage ingest since start (metrics, logs): records stored, about VMs the host
   * does not run, overlapping an interval already stored, batches refused.
   */
  readonly usage = { records: 0, foreign: 0, overlapping: 0, refused: 0 };
  private readonly usageBudget = new RecordBudget();
  /** The VMs usage batches name, kept between batches (invalidated by the store's writes). */
  private readonly usageVms: UsageVms;
  private readonly usageSpans: UsageSpans;

  constructor(
    private readonly hosts: HostRegistry,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.usageVms = new UsageVms(hosts.store);
    this.usageSpans = new UsageSpans(hosts.store);
  }

  async inventory(s: Session, inv: Inventory): Promise<void> {
    const r = await this.hosts.setInventory(s.hostId, inv);
    if (r.ok) s.guest = r.inv.guest;
    if (!r.ok) this.log.warn({ host_id: s.hostId, reason: r.reason }, 'inventory rejected; the previous one is kept');
    else if (r.truncated.length)
      this.log.warn({ host_id: s.hostId, truncated: r.truncated }, 'inventory cut to the size limits');
  }

  /** The owner policy of an ad-hoc host changed: record it (the planner filters on it and evacuates on EVACUATE). */
  async owner(s: Session, owner: Session['live']['owner']): Promise<void> {
    await this.hosts.update(
      s.hostId,
      (r) => (r.owner === owner ? undefined : { ...r, owner }),
      () => [
        {
          type: 'host.owner_changed',
          severity: owner === 'idle' ? 'info' : 'warning',
          message: `host owner is ${owner}`,
          hostId: s.hostId,
          attributes: { owner },
        },
      ],
    );
  }

  /** Stores an agent event exactly once: duplicates (resends after a reconnect) only get an ack. */
  async agentEvent(s: Session, e: AgentEvent): Promise<void> {
    checkAgentEvent(e);
    if (this.acceptSeq(s, e.seq, 'event', s.durableSeq)) {
      await this.storeSeqs(s, [e], (_, w) =>
        this.events.commit({ ops: w.ops, preconditions: w.pre, events: [agentEventOf(s.hostId, e, this.clock.now())] }),
      );
    }
    ackDurable(s);
  }

  /**
   * Stores a usage batch exactly once, in the same batch as the host's ack
   * write (group-committed with other sessions' writes by the event log). A
   * batch with a bad record is refused whole but not lost: it is kept aside
   * (usage/refused.ts) with an event, under the same exactly-once ack. One
   * without a usable seq cannot be placed: refused with an event, not acked.
   * The session goes on either way.
   */
  async usageBatch(s: Session, raw: UsageBatch): Promise<void> {
    let head;
    try {
      head = checkUsageHeader(raw);
    } catch (e) {
      this.usage.refused++;
      const reason = (e as Error).message;
      this.log.warn({ host_id: s.hostId, reason }, 'usage batch refused');
      const ev = refusedEvent({ hostId: s.hostId, seq: Number(raw.seq) || 0, reason, records: raw.records }, false);
      void this.events
        .append(ev)
        .catch((err) => this.log.error({ err, host_id: s.hostId }, 'refusal event not stored'));
      return;
    }
    let batch: CheckedBatch;
    try {
      batch = checkUsageBatch(raw, this.clock.now());
    } catch (e) {
      if (this.acceptSeq(s, head.seq, 'usage', s.durableSeq)) await this.keepRefused(s, raw, head, e as Error);
      ackDurable(s);
      return;
    }
    if (this.acceptSeq(s, batch.seq, 'usage', s.durableSeq))
      await this.usageBudget.run(batch.records.length, () =>
        this.storeSeqs(s, [batch], async (_, w) => {
          const u = await usageOps(
            this.usageVms,
            s.hostId,
            batch.seq,
            batch.records,
            this.clock.now(),
            this.usageSpans,
          );
          try {
            await this.events.commit({ ops: [...w.ops, ...u.ops], preconditions: w.pre });
          } catch (e) {
            this.usageSpans.forget(s.hostId); // read again: what was stored is not known
            throw e;
          }
          if (u.spans) this.usageSpans.committed(s.hostId, u.spans);
          this.usage.records += u.stored;
          this.usage.foreign += u.foreign;
          this.usage.overlapping += u.overlapping;
          if (u.stored) this.log.debug({ host_id: s.hostId, seq: batch.seq, records: u.stored }, 'usage stored');
          if (u.foreign)
            this.log.warn(
              { host_id: s.hostId, seq: batch.seq, dropped: u.foreign },
              'usage of vms the host does not run dropped',
            );
          if (u.overlapping)
            this.log.warn(
              { host_id: s.hostId, seq: batch.seq, dropped: u.overlapping },
              'usage overlapping what the host reported before dropped',
            );
        }),
      );
    ackDurable(s);
  }

  private keepRefused(s: Session, raw: UsageBatch, head: { seq: number; epoch: string }, e: Error): Promise<void> {
    const rec: RefusedBatch = {
      hostId: s.hostId,
      ...head,
      reason: e.message,
      refusedUnixMs: this.clock.now(),
      agentTimeUnixMs: Number(raw.timeUnixMs) || 0,
      records: raw.records ?? [],
    };
    return this.usageBudget.run(rec.records.length, () =>
      this.storeSeqs(s, [head], async (_, w) => {
        const ops = await refusedOps(this.hosts.store, rec);
        await this.events.commit({ ops: [...w.ops, ...ops], preconditions: w.pre, events: [refusedEvent(rec, true)] });
        this.usage.refused++;
        this.log.warn(
          { host_id: s.hostId, seq: head.seq, records: rec.records.length, reason: rec.reason },
          'usage batch refused',
        );
      }),
    );
  }

  /**
   * Applies a host's VM state reports (those that arrived together, in order)
   * exactly once each, deduplicated by the agent's durable sequence like
   * events, retrying when they race an operator's change. Reports about
   * different VMs share one batch and one ack; a destroyed VM's report goes
   * alone, under its tenant's lock.
   */
  async vmStatuses(s: Session, raws: VmStatusReport[]): Promise<void> {
    const vms = this.vms;
    let run: CheckedReport[] = [];
    const flush = async () => {
      const rs = run;
      run = [];
      if (!vms || !rs.length) return;
      const store = () =>
        this.storeSeqs(s, rs, async (fresh, w) => {
          const seen = await vms.applyReports(s.hostId, fresh, w);
          seen.forEach(
            (o, i) =>
              o &&
              'ignored' in o &&
              this.log.warn(
                { host_id: s.hostId, vm_id: fresh[i]!.vmId, state: fresh[i]!.state, reason: o.ignored },
                'vm report ignored',
              ),
          );
        });
      await (rs[0]!.state === 'destroyed' ? vms.underTenantOf(rs[0]!.vmId, store) : store());
    };
    let bad: unknown;
    for (const raw of raws) {
      let r: CheckedReport;
      try {
        r = checkVmStatus(raw);
      } catch (e) {
        bad = e; // the ones before it are still stored and acked
        break;
      }
      // Judged as if the reports before it in this burst were stored already.
      if (!vms || !this.acceptSeq(s, r.seq, 'vm_status', run.at(-1)?.seq ?? s.durableSeq)) continue;
      if (r.state === 'destroyed' || run.some((x) => x.vmId === r.vmId || x.state === 'destroyed')) await flush();
      run.push(r);
    }
    await flush();
    // A burst waiting behind this one acks it too (durable seqs only grow, and it always acks or ends
    // the session): one ack message fewer for the agent and for HTTP/2.
    if (!s.burst) ackDurable(s);
    if (bad) throw bad;
  }

  /**
   * Stores reports (in seq order) once: `write` commits the host's ack write
   * (its durable seq, fenced on the ack record the session holds) with those
   * not stored yet, in one batch. When the record changed under it (another
   * session of the host, or a race with an operator's change) it is re-read
   * and tried again.
   */
  private storeSeqs<R extends { seq: number; epoch?: string }>(
    s: Session,
    reports: R[],
    write: (fresh: R[], w: AckWrite) => Promise<unknown>,
  ): Promise<void> {
    return retryOnConflict(async (attempt) => {
      const cur = attempt === 1 ? s.acked : (s.acked = await this.hosts.acks.get(s.hostId));
      const stored = Math.max(s.durableSeq, cur.rec.durableSeq);
      const fresh = reports.filter((r) => r.seq > stored);
      if (!fresh.length) {
        s.durableSeq = stored;
        return;
      }
      const w = ackWrite(s.hostId, cur, fresh);
      await write(fresh, w);
      s.acked = w.next;
      s.durableSeq = fresh.at(-1)!.seq;
    });
  }

  /**
   * Whether a report is new and plausible. Duplicates (resends after a
   * reconnect) are only acked; a seq far past the stored one or going backwards
   * within the session is refused with a logged reason and an event, and
   * durableSeq stays where it was, so the host's later reports still land.
   */
  private acceptSeq(s: Session, seq: number, kind: 'event' | 'vm_status' | 'usage', durable: number): boolean {
    const v = judgeSeq(seq, durable, s.sessionSeq);
    if (v === 'store' || v === 'duplicate') {
      s.sessionSeq = seq;
      return v === 'store';
    }
    this.log.warn({ host_id: s.hostId, kind, seq, durable_seq: durable, reason: v.reject }, 'agent report refused');
    if (s.refused++ === 0) {
      void this.events
        .append({
          type: 'host.report_refused',
          severity: 'warning',
          message: `agent report refused: ${v.reject}`,
          hostId: s.hostId,
          actor: s.hostId,
          attributes: { kind, seq: String(seq), durable_seq: String(durable) },
        })
        .catch((err) => this.log.error({ err, host_id: s.hostId }, 'refusal event not stored'));
    }
    return false;
  }
}
