// A real `--kind adhoc` agent against a real controller: the owner's input (a
// temp "device" file whose times the test moves) drives the owner policy; the
// agent's owner events reach the controller's event log in order, and its
// process VM is suspended while the owner is busy and resumed when they leave.
import t from 'tap';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, startAgent, startController, type ControllerProc } from '../helpers/procs.js';
import { processesWith, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import type { ListEventsResponse__Output } from '../../common/gen/nephele/v1/ListEventsResponse.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

async function ownerEvents(ctl: ControllerProc, hostId: string): Promise<Event[]> {
  const a = ctl.admin();
  try {
    const r = await a.call<ListEventsResponse__Output>((md, o, cb) =>
      a.events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter: { typePrefix: 'agent.owner.', hostId } }, md, o, cb),
    );
    return r.events;
  } finally {
    a.close();
  }
}

t.test(
  'ad-hoc host: owner busy suspends the guest, evacuation after the grace vacates it, idle takes it back',
  async (t) => {
    const ctl = await startController(tmpDir());
    const adir = tmpDir();
    const dev = join(tmpDir(), 'event0');
    writeFileSync(dev, '');
    const touch = (ms: number) => utimesSync(dev, new Date(ms), new Date(ms));
    touch(Date.now() - 3_600_000); // the owner was last seen an hour ago
    const agent = startAgent(ctl.address, adir, {
      joinToken: await joinToken(ctl),
      args: [
        '--kind',
        'adhoc',
        '--owner-devices',
        dev,
        '--owner-busy-cpu',
        '0', // CPU ignored: this box runs other tests
        '--owner-idle-after',
        '2s',
        '--owner-resume-after',
        '1s',
        '--owner-evacuate-after',
        '4s',
        '--owner-poll',
        '200ms',
        '--label',
        'room=lab-3',
      ],
    });
    let typing: NodeJS.Timeout | undefined;
    t.teardown(async () => {
      clearInterval(typing);
      await agent.kill();
      await ctl.kill();
      killWith(adir);
    });
    await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
      timeoutMs: 30_000,
      message: 'ready',
    });
    const hostId = hostIdOf(adir);
    const types = async () => (await ownerEvents(ctl, hostId)).map((e) => e.type);
    await waitFor(async () => (await types()).length === 1, { message: 'initial owner state' });
    const [first] = await ownerEvents(ctl, hostId);
    t.equal(first!.type, 'agent.owner.idle', 'starts idle');
    t.equal(first!.attributes.initial, 'true', 'marked as the initial reading');

    const api = vmApi(ctl);
    t.teardown(() => api.close());
    const created = await api.create(hostId, {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 64,
      diskGib: 1,
      config: { title: 'lab guest' },
    });
    await api.waitState(created.id, 'VM_STATE_RUNNING', 30_000);

    // The owner starts typing.
    typing = setInterval(() => touch(Date.now()), 100);
    touch(Date.now());
    await waitFor(async () => (await types()).includes('agent.owner.busy'), { message: 'busy event' });
    const sus = await api.waitState(created.id, 'VM_STATE_SUSPENDED', 10_000);
    t.equal(sus.stateReason, 'owner active', 'the guest is suspended because of the owner');
    const [pid] = processesWith(created.id);
    t.ok(pid, 'the guest process still exists');
    t.match(
      await import('node:fs').then((fs) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8')),
      /\) T /,
      'and is stopped',
    );
    await waitFor(async () => (await types()).includes('agent.owner.evacuate'), {
      timeoutMs: 15_000,
      message: 'evacuate event',
    });
    // No other host can take it: the owner's machine is vacated all the same (HTCondor's PREEMPT), and the VM waits unplaced.
    const waiting = await waitFor(
      async () => {
        const v = await api.get(created.id);
        return v.hostId === '' ? v : undefined;
      },
      { timeoutMs: 15_000, message: 'the vm left the desktop' },
    );
    t.match(waiting.stateReason, /^unplaced: no host for evacuated VM/, 'it waits for a host, saying why');
    await waitFor(() => processesWith(created.id).length === 0, {
      timeoutMs: 15_000,
      message: 'the guest process is gone from the desktop',
    });

    // The owner leaves: idle after 2 s without input plus 1 s of hysteresis.
    clearInterval(typing);
    const left = Date.now();
    await waitFor(async () => (await types()).length === 4, { timeoutMs: 15_000, message: 'idle again' });
    t.ok(Date.now() - left >= 2_500, 'not before the idle and resume periods passed');
    const evs = await ownerEvents(ctl, hostId);
    t.same(
      evs.map((e) => e.type),
      ['agent.owner.idle', 'agent.owner.busy', 'agent.owner.evacuate', 'agent.owner.idle'],
      'idle -> busy -> evacuate -> idle, in order',
    );
    t.same(
      evs.slice(1).map((e) => e.attributes.from),
      ['idle', 'busy', 'evacuate'],
      'each names the state it left',
    );
    const at = (e: Event) => Date.parse(e.attributes.agent_time!);
    t.ok(at(evs[2]!) - at(evs[1]!) >= 4_000, 'evacuation only after the 4 s grace');
    t.ok(Number(evs[1]!.attributes.idle_ms) < 2_000, 'busy event carries the input idle time');
    t.equal(evs[2]!.severity, 'warning', 'evacuate is a warning');
    // The desktop is idle again: the waiting VM is placed there anew (the only host that can take it).
    const back = await api.waitState(created.id, 'VM_STATE_RUNNING', 30_000);
    t.equal(back.hostId, hostId, 'the vm runs again once the owner is idle, on the desktop');
    t.ok(back.generation > created.generation, 'as a new generation (the vacated copy is fenced)');
    t.equal(vmRoots(created.id).length, 1, 'one guest process');
  },
);

t.test('bad labels and owner settings stop the agent with one clear line', async (t) => {
  // The parsing rules are unit-tested (agent-flags); these prove main() applies them before doing anything.
  const cases: [string[], RegExp][] = [
    [['--label', 'Room=x'], /^nephele-agent: --label: key "Room" must match/],
    [['--owner-idle-after', '5 minutes'], /^nephele-agent: --owner-idle-after: not a duration/],
  ];
  await Promise.all(
    cases.map(async ([args, want]) => {
      const a = startAgent('127.0.0.1:1', tmpDir(), { joinToken: 'nj1.x.y.z', args: ['--kind', 'adhoc', ...args] });
      t.equal(await a.exited, 1, `${args.join(' ')}: exits 1`);
      t.match(a.output(), want, args.join(' '));
      t.equal(a.output().trim().split('\n').length, 1, 'one line');
    }),
  );
});
