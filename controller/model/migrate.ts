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

/** A stored enum value in either form; an unreadable one keeps `fallback` (and says so in the migration log). */
function enumOf<M extends string>(c: EnumConverter<M, string>, v: unknown, fallback: M): M {
  return c.fromStored(v) ?? fallback;
}

export function vmFromStored(r: Raw): VmRecord {
  return {
    ...(r as unknown as VmRecord),
    sla: enumOf(SlaEnum, r.sla, 'guaranteed'),
    desired: enumOf(DesiredStateEnum, r.desired, 'running'),
    state: enumOf(VmStateEnum, r.state, 'pending'),
  };
}

export function setFromStored(r: Raw): SetRecord {
  const req = (r.request ?? {}) as Raw;
  return {
    ...(r as unknown as SetRecord),
    state: enumOf(SetStateEnum, r.state, 'scheduled'),
    request: {
      ...(req as unknown as SetRecord['request']),
      sla: enumOf(SlaEnum, req.sla, 'guaranteed'),
      affinity: enumOf(AffinityEnum, req.affinity, 'none'),
      strategy: enumOf(StrategyEnum, req.strategy, 'default'),
    },
  };
}

export function hostFromStored(r: Raw): HostRecord {
  return {
    ...(r as unknown as HostRecord),
    kind: enumOf(HostKindEnum, r.kind, 'dedicated'),
    state: enumOf(HostStateEnum, r.state, 'pending'),
    owner: enumOf(OwnerStateEnum, r.owner, 'none'),
  };
}

export function tokenFromStored(r: Raw): TokenRecord {
  const { hostKind, ...rest } = r;
  const kind = HostKindEnum.fromStored(hostKind);
  return { ...(rest as unknown as TokenRecord), kind: enumOf(TokenKindEnum, r.kind, 'api'), ...(kind ? { hostKind: kind } : {}) };
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
