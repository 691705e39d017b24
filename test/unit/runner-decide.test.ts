// The runner's pure decision (agent/runner/decide.ts): desired x local x owner
// gate -> actions, as plain data (no driver, no store, no processes).
import t from 'tap';
import {
  decide,
  OWNER_ACTIVE,
  OWNER_IDLE,
  SUSPENDED_AS_REQUESTED,
  type Action,
  type DecideInput,
  type LocalVm,
  type Phase,
} from '../../agent/runner/decide.js';
import type { DesiredVm } from '../../common/grpc/convert.js';
import type { DesiredState } from '../../common/model/enums.js';

type Want = DesiredState | undefined;

const ID = '01J00000000000000000000000';

function desired(want: Want, o: Partial<DesiredVm> = {}): DesiredVm {
  return {
    vmId: ID,
    name: 'vm',
    spec: {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 64,
      diskGib: 1,
      image: '',
      appliancePort: 8080,
      config: {},
      vmClass: '',
      baseImage: null,
    },
    desired: want,
    generation: 1,
    rebootCount: 0,
    exportDisk: '',
    importDisk: '',
    hidden: false,
    monitor: null,
    ...o,
  };
}

function local(phase: Phase, o: Partial<LocalVm> = {}): LocalVm {
  return {
    id: ID,
    scheme: 'process',
    phase,
    reason: '',
    guestReady: phase === 'running',
    generation: 1,
    rebootCount: 0,
    ...o,
  };
}

const RUN: Want = 'running';
const STOP: Want = 'stopped';
const SUSP: Want = 'suspended';
const GONE: Want = 'destroyed';

interface Row {
  name: string;
  in: Partial<DecideInput>;
  out: Action[];
}

const rows: Row[] = [
  // Nothing desired.
  { name: 'nothing here, nothing wanted', in: {}, out: [] },
  {
    name: 'local copy before the controller spoke: kept',
    in: { local: local('running'), haveDesired: false },
    out: [],
  },
  { name: 'local copy no longer desired: removed', in: { local: local('running') }, out: [{ kind: 'removeStale' }] },
  {
    name: 'stopped local copy no longer desired: removed',
    in: { local: local('stopped') },
    out: [{ kind: 'removeStale' }],
  },
  // The owner gate before the first desired state.
  {
    name: 'no desired yet, owner busy: suspend for the owner',
    in: { local: local('running'), haveDesired: false, ownerBusy: true },
    out: [{ kind: 'suspend', reason: OWNER_ACTIVE, owner: true }],
  },
  {
    name: 'no desired yet, owner idle: resume what the owner held',
    in: { local: local('suspended', { ownerSuspended: true }), haveDesired: false },
    out: [{ kind: 'resume', reason: OWNER_IDLE }],
  },
  {
    name: 'no desired yet, owner idle: a controller suspend stays',
    in: { local: local('suspended'), haveDesired: false },
    out: [],
  },
  {
    name: 'no desired yet, owner busy: a suspended vm is left alone',
    in: { local: local('suspended'), haveDesired: false, ownerBusy: true },
    out: [],
  },
  // Create.
  { name: 'wanted running, not here: create', in: { desired: desired(RUN) }, out: [{ kind: 'create' }] },
  {
    name: 'wanted stopped, not here: create (the driver starts it; the next pass stops it)',
    in: { desired: desired(STOP) },
    out: [{ kind: 'create' }],
  },
  {
    name: 'owner busy: the create waits',
    in: { desired: desired(RUN), ownerBusy: true },
    out: [{ kind: 'holdCreate' }],
  },
  {
    name: 'owner busy: the wait is reported once per generation',
    in: { desired: desired(RUN), ownerBusy: true, waitingReported: 1 },
    out: [],
  },
  {
    name: 'owner busy: a new generation is reported again',
    in: { desired: desired(RUN, { generation: 2 }), ownerBusy: true, waitingReported: 1 },
    out: [{ kind: 'holdCreate' }],
  },
  // Destroy.
  {
    name: 'destroyed, here: destroy',
    in: { desired: desired(GONE), local: local('running') },
    out: [{ kind: 'destroy' }],
  },
  { name: 'destroyed, not here: reported once', in: { desired: desired(GONE) }, out: [{ kind: 'destroy' }] },
  { name: 'destroyed, not here, reported: nothing', in: { desired: desired(GONE), destroyedReported: true }, out: [] },
  {
    name: 'destroyed while the owner is busy: destroy anyway',
    in: { desired: desired(GONE), local: local('suspended', { ownerSuspended: true }), ownerBusy: true },
    out: [{ kind: 'destroy' }],
  },
  // Running.
  { name: 'running as wanted: nothing', in: { desired: desired(RUN), local: local('running') }, out: [] },
  {
    name: 'creating: nothing (the create pass waits for the guest)',
    in: { desired: desired(RUN), local: local('creating') },
    out: [],
  },
  {
    name: 'suspended by the controller, wanted running: resume',
    in: { desired: desired(RUN), local: local('suspended') },
    out: [{ kind: 'resume', reason: 'resumed' }],
  },
  {
    name: 'held by the owner, owner idle: resume',
    in: { desired: desired(RUN), local: local('suspended', { ownerSuspended: true }) },
    out: [{ kind: 'resume', reason: OWNER_IDLE }],
  },
  {
    name: 'stopped, wanted running: restart',
    in: { desired: desired(RUN), local: local('stopped') },
    out: [{ kind: 'restart' }],
  },
  { name: 'failed, same generation: stays failed', in: { desired: desired(RUN), local: local('failed') }, out: [] },
  {
    name: 'failed, new generation: restart',
    in: { desired: desired(RUN, { generation: 2 }), local: local('failed') },
    out: [{ kind: 'restart' }],
  },
  {
    name: 'finished task, same generation: stays finished',
    in: { desired: desired(RUN), local: local('stopped', { taskDone: true }) },
    out: [],
  },
  {
    name: 'finished task, new generation: runs again',
    in: { desired: desired(RUN, { generation: 2 }), local: local('stopped', { taskDone: true }) },
    out: [{ kind: 'restart' }],
  },
  {
    name: 'reboot asked: reboot',
    in: { desired: desired(RUN, { rebootCount: 1 }), local: local('running') },
    out: [{ kind: 'reboot' }],
  },
  {
    name: 'reboot already done: nothing',
    in: { desired: desired(RUN, { rebootCount: 1 }), local: local('running', { rebootCount: 1 }) },
    out: [],
  },
  {
    name: 'reboot of a suspended vm: resumed first',
    in: { desired: desired(RUN, { rebootCount: 1 }), local: local('suspended') },
    out: [{ kind: 'resume', reason: 'resumed' }],
  },
  // Running wanted, owner busy.
  {
    name: 'owner busy: running vm suspended for the owner',
    in: { desired: desired(RUN), local: local('running'), ownerBusy: true },
    out: [{ kind: 'suspend', reason: OWNER_ACTIVE, owner: true }],
  },
  {
    name: 'owner busy: controller-suspended vm now held by the owner',
    in: { desired: desired(RUN), local: local('suspended'), ownerBusy: true },
    out: [{ kind: 'hold', owner: true, reason: OWNER_ACTIVE }],
  },
  {
    name: 'owner busy: already held',
    in: { desired: desired(RUN), local: local('suspended', { ownerSuspended: true }), ownerBusy: true },
    out: [],
  },
  {
    name: 'owner busy: stopped vm not started',
    in: { desired: desired(RUN), local: local('stopped'), ownerBusy: true },
    out: [],
  },
  {
    name: 'owner busy: failed vm not restarted',
    in: { desired: desired(RUN, { generation: 2 }), local: local('failed'), ownerBusy: true },
    out: [],
  },
  // Stopped.
  {
    name: 'wanted stopped, running: stop',
    in: { desired: desired(STOP), local: local('running') },
    out: [{ kind: 'stop', reason: 'stopped as requested' }],
  },
  {
    name: 'wanted stopped, suspended: stop',
    in: { desired: desired(STOP), local: local('suspended') },
    out: [{ kind: 'stop', reason: 'stopped as requested' }],
  },
  {
    name: 'wanted stopped, creating: stop',
    in: { desired: desired(STOP), local: local('creating') },
    out: [{ kind: 'stop', reason: 'stopped as requested' }],
  },
  {
    name: 'wanted stopped hard (virsh destroy), running: power off at once',
    in: { desired: desired(STOP, { hardStop: true }), local: local('running') },
    out: [{ kind: 'stop', reason: 'powered off as requested', hard: true }],
  },
  {
    name: 'wanted stopped hard, suspended: power off at once',
    in: { desired: desired(STOP, { hardStop: true }), local: local('suspended') },
    out: [{ kind: 'stop', reason: 'powered off as requested', hard: true }],
  },
  { name: 'wanted stopped, stopped: nothing', in: { desired: desired(STOP), local: local('stopped') }, out: [] },
  { name: 'wanted stopped, failed: nothing', in: { desired: desired(STOP), local: local('failed') }, out: [] },
  {
    name: 'cold move of a running vm: stop, then export',
    in: { desired: desired(STOP, { exportDisk: 'T1' }), local: local('running') },
    out: [
      { kind: 'stop', reason: 'stopped for a move' },
      { kind: 'exportDisk', transferId: 'T1', flat: false },
    ],
  },
  {
    name: 'cold move of a failed vm: export',
    in: { desired: desired(STOP, { exportDisk: 'T1' }), local: local('failed') },
    out: [{ kind: 'exportDisk', transferId: 'T1', flat: false }],
  },
  {
    name: 'cold move already exported: nothing',
    in: { desired: desired(STOP, { exportDisk: 'T1' }), local: local('stopped', { exported: 'T1' }) },
    out: [],
  },
  {
    name: 'cold move under a new transfer id: export again',
    in: { desired: desired(STOP, { exportDisk: 'T2' }), local: local('stopped', { exported: 'T1' }) },
    out: [{ kind: 'exportDisk', transferId: 'T2', flat: false }],
  },
  {
    name: 'an export (ExportVm): a standalone disk is uploaded',
    in: { desired: desired(STOP, { exportDisk: 'T3', exportFlat: true }), local: local('stopped') },
    out: [{ kind: 'exportDisk', transferId: 'T3', flat: true }],
  },
  {
    name: 'owner busy does not hold a stop',
    in: { desired: desired(STOP), local: local('suspended', { ownerSuspended: true }), ownerBusy: true },
    out: [{ kind: 'stop', reason: 'stopped as requested' }],
  },
  // Suspended.
  {
    name: 'wanted suspended, running: suspend',
    in: { desired: desired(SUSP), local: local('running') },
    out: [{ kind: 'suspend', reason: SUSPENDED_AS_REQUESTED }],
  },
  {
    name: 'wanted suspended, held by the owner: the controller holds it now',
    in: { desired: desired(SUSP), local: local('suspended', { ownerSuspended: true }) },
    out: [{ kind: 'hold', owner: false, reason: SUSPENDED_AS_REQUESTED }],
  },
  { name: 'wanted suspended, suspended: nothing', in: { desired: desired(SUSP), local: local('suspended') }, out: [] },
  { name: 'wanted suspended, stopped: nothing', in: { desired: desired(SUSP), local: local('stopped') }, out: [] },
  { name: 'unspecified desired state: nothing', in: { desired: desired(undefined), local: local('running') }, out: [] },
  // Hidden (management instances): level-triggered, first of all, only on a VM that is up.
  {
    name: 'wanted hidden, running and shown: hide',
    in: { desired: desired(RUN, { hidden: true }), local: local('running') },
    out: [{ kind: 'setHidden', hidden: true }],
  },
  {
    name: 'wanted hidden, already hidden: nothing',
    in: { desired: desired(RUN, { hidden: true }), local: local('running', { hidden: true }) },
    out: [],
  },
  {
    name: 'wanted shown, hidden: unhide',
    in: { desired: desired(RUN), local: local('running', { hidden: true }) },
    out: [{ kind: 'setHidden', hidden: false }],
  },
  {
    name: 'wanted hidden and rebooted: hide before the reboot',
    in: { desired: desired(RUN, { hidden: true, rebootCount: 1 }), local: local('running') },
    out: [{ kind: 'setHidden', hidden: true }, { kind: 'reboot' }],
  },
  {
    name: 'wanted hidden, suspended by the controller: hide',
    in: { desired: desired(SUSP, { hidden: true }), local: local('suspended') },
    out: [{ kind: 'setHidden', hidden: true }],
  },
  {
    name: 'wanted hidden, stopped: restarted (hidden from its start), no hide on a stopped vm',
    in: { desired: desired(RUN, { hidden: true }), local: local('stopped') },
    out: [{ kind: 'restart' }],
  },
  {
    name: 'wanted hidden and stopped, running: stop only',
    in: { desired: desired(STOP, { hidden: true }), local: local('running') },
    out: [{ kind: 'stop', reason: 'stopped as requested' }],
  },
];

t.test('decide: desired x local x owner gate -> actions', async (t) => {
  for (const r of rows) {
    const input: DecideInput = { haveDesired: true, ownerBusy: false, destroyedReported: false, ...r.in };
    t.same(decide(input), r.out, r.name);
  }
});

t.test('decide is pure: it changes neither input', async (t) => {
  const l = local('suspended', { ownerSuspended: true });
  const d = desired(SUSP);
  const before = JSON.stringify([l, d]);
  decide({ desired: d, local: l, haveDesired: true, ownerBusy: false, destroyedReported: false });
  t.equal(JSON.stringify([l, d]), before);
});

t.test('decide: a running vm at another size than desired is resized (reclassification)', async (t) => {
  const sized = (vcpus: number, memoryMiB: number, phase: Phase = 'running') =>
    local(phase, {
      handle: {
        id: ID,
        scheme: 'process',
        spec: { id: ID, name: 'vm', vcpus, memoryMiB, diskGiB: 1, image: '', appliancePort: 8080, config: {} },
        pid: 1,
        pidStartTime: '',
        hostPort: 0,
        extra: {},
      },
    });
  const run = (d: DesiredVm, l: LocalVm) =>
    decide({ desired: d, local: l, haveDesired: true, ownerBusy: false, destroyedReported: false });
  const want = (vcpus: number, memoryMib: number, o: Partial<DesiredVm> = {}) =>
    desired(RUN, { spec: { ...desired(RUN).spec!, vcpus, memoryMib }, ...o });
  t.same(run(want(2, 256), sized(1, 64)), [{ kind: 'resize' }], 'vcpus and memory');
  t.same(run(want(1, 256), sized(1, 64)), [{ kind: 'resize' }], 'memory only');
  t.same(run(want(4, 64), sized(1, 64)), [{ kind: 'resize' }], 'vcpus only');
  t.same(run(want(1, 64), sized(1, 64)), [], 'the same size: converged');
  // What comes first: a stopped VM starts at the new size (restart), a suspended one is resumed, a reboot is done.
  t.same(run(want(2, 256), sized(1, 64, 'stopped')), [{ kind: 'restart' }]);
  t.same(run(want(2, 256), sized(1, 64, 'suspended')), [{ kind: 'resume', reason: 'resumed' }]);
  t.same(run(want(2, 256, { rebootCount: 1 }), sized(1, 64)), [{ kind: 'reboot' }]);
  t.same(run(want(2, 256), sized(1, 64, 'creating')), [], 'still creating: later');
});
