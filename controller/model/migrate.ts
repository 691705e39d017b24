// Store migration v4: records written before the model types kept the proto
// enum names (VM_STATE_RUNNING, SLA_GUARANTEED, …). Rewrites them to the
// model's names. Each reader below accepts both forms, so a migration that
// stopped half way (a crash) simply runs again.
import { put, type Op, type Store } from '../../common/store/index.js';
import {
  AffinityEnum,
  DesiredStateEnum,
  HostKindEnum,
  HostStateEnum,
  OwnerStateEnum,
  SetStateEnum,
  SlaEnum,
  StrategyEnum,
  TokenKindEnum,
  VmStateEnum,
  type EnumConverter,
} from '../../common/grpc/convert.js';
import type { HostRecord, SetRecord, TokenRecord, VmRecord } from './index.js';

type Raw = Record<string, unknown>;

/** How to read one enum field: its converter, and the value a record without a readable one gets. */
type Field = [EnumConverter<string, string>, string];
const field = <M extends string>(c: EnumConverter<M, string>, fallback: M): Field => [c, fallback];

/** The record with each named enum field in the model's form (either stored form is read). */
function rewrite<T>(r: Raw, fields: Record<string, Field>): T {
  const out: Raw = { ...r };
  for (const [k, [c, fallback]] of Object.entries(fields)) out[k] = c.fromStored(r[k]) ?? fallback;
  return out as T;
}

export const vmFromStored = (r: Raw): VmRecord =>
  rewrite(r, {
    sla: field(SlaEnum, 'guaranteed'),
    desired: field(DesiredStateEnum, 'running'),
    state: field(VmStateEnum, 'pending'),
  });

export const setFromStored = (r: Raw): SetRecord => ({
  ...rewrite<SetRecord>(r, { state: field(SetStateEnum, 'scheduled') }),
  request: rewrite((r.request ?? {}) as Raw, {
    sla: field(SlaEnum, 'guaranteed'),
    affinity: field(AffinityEnum, 'none'),
    strategy: field(StrategyEnum, 'default'),
  }),
});

export const hostFromStored = (r: Raw): HostRecord =>
  rewrite(r, {
    kind: field(HostKindEnum, 'dedicated'),
    state: field(HostStateEnum, 'pending'),
    owner: field(OwnerStateEnum, 'none'),
  });

export function tokenFromStored(r: Raw): TokenRecord {
  const { hostKind, ...rest } = r;
  const kind = HostKindEnum.fromStored(hostKind);
  return { ...rewrite<TokenRecord>(rest, { kind: field(TokenKindEnum, 'api') }), ...(kind ? { hostKind: kind } : {}) };
}

const REWRITES: [coll: string, fn: (r: Raw) => unknown][] = [
  ['vms', vmFromStored],
  ['vm-sets', setFromStored],
  ['hosts', hostFromStored],
  ['tokens', tokenFromStored],
];

const CHUNK = 256;

/** Rewrites every record of the four collections in bounded batches. */
export async function toModelNames(store: Store): Promise<void> {
  for (const [coll, fn] of REWRITES) {
    let ops: Op[] = [];
    for await (const { key, value } of store.scan<Raw>(coll)) {
      const next = fn(value);
      if (JSON.stringify(next) === JSON.stringify(value)) continue;
      ops.push(put(coll, key, next));
      if (ops.length === CHUNK) {
        await store.batch(ops);
        ops = [];
      }
    }
    if (ops.length) await store.batch(ops);
  }
}
