import t from 'tap';
import * as C from '../../common/grpc/convert.js';
import * as M from '../../common/model/enums.js';
import { hostFromStored, setFromStored, tokenFromStored, vmFromStored } from '../../controller/model/migrate.js';
import { InvalidArgumentError } from '../../common/errors.js';

const cases: [string, C.EnumConverter<string, string>, readonly string[]][] = [
  ['vm state', C.VmStateEnum, M.VM_STATES],
  ['desired', C.DesiredStateEnum, M.DESIRED_STATES],
  ['sla', C.SlaEnum, M.SLAS],
  ['host kind', C.HostKindEnum, M.HOST_KINDS],
  ['host state', C.HostStateEnum, M.HOST_SHOWN_STATES],
  ['owner', C.OwnerStateEnum, M.OWNER_STATES],
  ['token kind', C.TokenKindEnum, M.TOKEN_KINDS],
  ['set state', C.SetStateEnum, M.SET_STATES],
  ['strategy', C.StrategyEnum, M.STRATEGIES],
  ['affinity', C.AffinityEnum, M.AFFINITIES],
  ['host view', C.HostViewEnum, M.HOST_VIEWS],
];

t.test('every model value round-trips through its proto name, and both stored forms read back', async (t) => {
  for (const [name, c, values] of cases) {
    t.same([...c.values].sort(), [...values].sort(), `${name}: the converter knows every model value`);
    const protos = new Set<string>();
    for (const v of values) {
      const p = c.toProto(v);
      protos.add(p);
      t.equal(c.fromProto(p), v, `${name}: ${v} → ${p} → ${v}`);
      t.equal(c.fromStored(p), v, `${name}: stored ${p} reads as ${v}`);
      t.equal(c.fromStored(v), v, `${name}: stored ${v} reads as ${v}`);
    }
    t.equal(protos.size, values.length, `${name}: no two model values share a proto name`);
    t.equal(c.fromProto(99), undefined, `${name}: an unknown number is not a value`);
    t.equal(c.fromStored('NOPE'), undefined, `${name}: an unknown string is not a value`);
  }
});

t.test('UNSPECIFIED: an error where it means nothing, the default where it is a choice', async (t) => {
  t.equal(C.VmStateEnum.fromProto('VM_STATE_UNSPECIFIED'), undefined);
  t.equal(C.SlaEnum.toProto(undefined), 'SLA_UNSPECIFIED');
  t.throws(() => C.SlaEnum.require('SLA_UNSPECIFIED', 'set.sla'), InvalidArgumentError);
  try {
    C.SlaEnum.require(7, 'set.sla');
  } catch (e) {
    t.match(
      (e as Error).message,
      /set\.sla.*SLA_GUARANTEED, SLA_BEST_EFFORT/,
      'names the field and the values a caller may send',
    );
  }
  t.equal(C.SlaEnum.optional('SLA_UNSPECIFIED', 'sla'), undefined);
  t.equal(C.SlaEnum.optional('SLA_GUARANTEED', 'sla'), 'guaranteed');
  t.throws(() => C.SlaEnum.optional('SLA_NOPE' as never, 'sla'), InvalidArgumentError);
  t.equal(C.StrategyEnum.fromProto('PLACEMENT_STRATEGY_UNSPECIFIED'), 'default');
  t.equal(C.StrategyEnum.toProto('default'), 'PLACEMENT_STRATEGY_UNSPECIFIED');
  t.equal(C.AffinityEnum.fromProto(0), 'none');
  t.equal(C.OwnerStateEnum.fromProto('OWNER_STATE_UNSPECIFIED'), 'none');
  t.equal(C.OwnerStateEnum.fromStored(undefined), 'none', 'records older than the owner field');
});

t.test('record views list wire fields only: internal fields never reach a response', async (t) => {
  const vm = vmFromStored({
    id: 'v',
    name: 'n',
    tenant: 't',
    hostId: 'h',
    setId: '',
    spec: {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 128,
      diskGib: 1,
      image: 'i',
      appliancePort: 80,
      config: { a: 'b' },
    },
    sla: 'SLA_BEST_EFFORT',
    desired: 'DESIRED_VM_STATE_RUNNING',
    state: 'VM_STATE_RUNNING',
    stateReason: '',
    stateChangedUnixMs: 1,
    createdUnixMs: 1,
    generation: 2,
    rebootCount: 0,
    hostPort: 0,
    guestReady: true,
    placedUnixMs: 1,
    confirmedUnixMs: 1,
    placementAttempts: 1,
    taskDone: false,
    ran: true,
    tried: ['x'],
    exportDisk: 'e',
    importDisk: 'i',
  });
  t.equal(vm.sla, 'best_effort');
  t.equal(vm.state, 'running');
  const p = C.vmToProto(vm, 3) as unknown as Record<string, unknown>;
  for (const k of ['ran', 'tried', 'exportDisk', 'importDisk']) t.notOk(k in p, `${k} stays inside`);
  t.equal(p.state, 'VM_STATE_RUNNING');
  t.equal(p.version, 3);
  const tok = tokenFromStored({
    id: 'k',
    kind: 'TOKEN_KIND_JOIN',
    hostKind: 'HOST_KIND_UNSPECIFIED',
    secretHash: 'h',
    grants: [],
  });
  t.equal(tok.kind, 'join');
  t.notOk('hostKind' in tok, 'an unspecified host kind is not stored');
  t.notOk('secretHash' in C.tokenToProto(tok), 'the secret hash stays inside');
  const host = hostFromStored({
    id: 'h',
    kind: 'HOST_KIND_ADHOC',
    state: 'HOST_STATE_READY',
    owner: 'OWNER_STATE_BUSY',
    certSerial: 's',
    durableSeq: 4,
    groups: [],
    addresses: [],
    schemes: [],
  });
  t.same([host.kind, host.state, host.owner], ['adhoc', 'ready', 'busy']);
  const hp = C.hostToProto(host, 1, {
    state: host.state,
    accelerator: '',
    free: null,
    load: null,
    peer: '',
    heartbeatIntervalMs: 0,
    allocated: null,
    vmCount: 0,
    lastSeenUnixMs: 0,
    inventory: null,
    owner: host.owner,
  }) as unknown as Record<string, unknown>;
  for (const k of ['certSerial', 'durableSeq', 'outboxEpochs', 'previousCertSerial'])
    t.notOk(k in hp, `${k} stays inside`);
  const set = setFromStored({
    id: 's',
    state: 'VM_SET_STATE_PARTIAL',
    request: {
      sla: 'SLA_GUARANTEED',
      affinity: 'SET_AFFINITY_ANTI_AFFINITY',
      strategy: 'PLACEMENT_STRATEGY_UNSPECIFIED',
    },
  });
  t.same(
    [set.state, set.request.sla, set.request.affinity, set.request.strategy],
    ['partial', 'guaranteed', 'anti_affinity', 'default'],
  );
  t.same(
    setFromStored(set as unknown as Record<string, unknown>),
    set,
    'reading a migrated record again changes nothing (a crashed migration re-runs)',
  );
  t.same(vmFromStored(vm as unknown as Record<string, unknown>), vm);
  t.same(hostFromStored(host as unknown as Record<string, unknown>), host);
  t.same(tokenFromStored(tok as unknown as Record<string, unknown>), tok);
});
