// What a host is shown as, which of its VMs may be forgotten, and its accelerator.
import t from 'tap';
import { acceleratorOf, shownState } from '../../controller/hosts/shown.js';
import { forceRefusal } from '../../controller/vms/force.js';
import type { HostRecord, VmRecord } from '../../controller/model/index.js';

const host = (p: Partial<HostRecord>) => ({ id: 'H', state: 'ready', revoked: false, ...p }) as HostRecord;
const vm = (p: Partial<VmRecord>) => ({ id: 'V', hostId: 'H', state: 'running', ...p }) as VmRecord;

t.test(
  'shownState: revoked above all, then the liveness (unknown while it waits), else the stored state',
  async (t) => {
    t.equal(shownState(host({ revoked: true, state: 'down' }), 'down'), 'revoked');
    t.equal(shownState(host({ revoked: true }), 'unknown'), 'revoked');
    t.equal(shownState(host({ state: 'ready' }), 'unknown'), 'unknown');
    t.equal(shownState(host({ state: 'unreachable' }), 'unreachable'), 'unreachable');
    t.equal(shownState(host({ state: 'pending' }), undefined), 'pending');
    // The record lags the liveness by its write: a host given up on is not shown ready meanwhile, nor a returned one down.
    t.equal(shownState(host({ state: 'ready' }), 'unreachable'), 'unreachable');
    t.equal(shownState(host({ state: 'down' }), 'ready'), 'ready');
  },
);

t.test('forceRefusal: only a revoked, down or vanished host', async (t) => {
  t.equal(forceRefusal(vm({}), host({ revoked: true })), undefined);
  t.equal(forceRefusal(vm({}), host({ state: 'down' })), undefined);
  t.equal(forceRefusal(vm({}), undefined), undefined);
  t.match(forceRefusal(vm({}), host({ state: 'ready' })), /host is ready/);
  t.match(forceRefusal(vm({}), host({ state: 'unreachable' })), /host is unreachable/);
  t.match(forceRefusal(vm({ hostId: '' }), undefined), /no host/);
});

t.test('acceleratorOf: the inventory first, then the qemu fingerprint', async (t) => {
  const inv = { hypervisors: [{ name: 'qemu', accelerator: 'kvm' }] } as unknown as HostRecord['inventory'];
  t.equal(acceleratorOf(host({ inventory: inv })), 'kvm');
  t.equal(acceleratorOf(host({ schemeInfo: [{ scheme: 'qemu', attributes: { accelerator: 'tcg' } }] })), 'tcg');
  t.equal(acceleratorOf(host({})), '');
});
