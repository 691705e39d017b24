// Finding 9: an agent whose state dir was restored from a backup numbers its
// reports from an older sequence. The controller has stored further already
// and used to take every new report for a resend and drop it, for good.
import t from 'tap';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, startAgent, startController, type Proc } from '../helpers/procs.js';
import { vmApi, killWith } from '../helpers/vms.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

t.test('an agent restored from a backup of its state is heard again', async (t) => {
  const ctl = await startController(tmpDir());
  const dir = tmpDir();
  const backup = join(tmpDir(), 'state');
  let agent: Proc = startAgent(ctl.address, dir, { joinToken: await joinToken(ctl) });
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    killWith(dir);
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'ready',
  });
  const id = hostIdOf(dir);
  const agentEvents = async (type: string): Promise<Event[]> => {
    const a = ctl.admin();
    try {
      return (
        await a.call<{ events: Event[] }>((md, o, cb) =>
          a.events.ListEvents(
            { sinceSeq: 0, pageSize: 1000, filter: { typePrefix: `agent.${type}`, hostId: id } },
            md,
            o,
            cb as never,
          ),
        )
      ).events;
    } finally {
      a.close();
    }
  };
  await waitFor(async () => (await agentEvents('started')).length === 1, { message: 'first start stored' });
  await agent.stop();
  cpSync(join(dir, 'state'), backup, { recursive: true });

  // The agent goes on after the backup: another start and a VM's whole life.
  agent = startAgent(ctl.address, dir);
  await waitFor(async () => (await agentEvents('started')).length === 2, {
    timeoutMs: 30_000,
    message: 'second start stored',
  });
  const first = await api.create(id, spec);
  await api.waitState(first.id, 'VM_STATE_RUNNING');
  await api.act('DestroyVm', first.id);
  await api.waitState(first.id, 'VM_STATE_DESTROYED');
  await agent.stop();

  // The operator restores the old state dir: the agent's sequence goes back.
  rmSync(join(dir, 'state'), { recursive: true });
  cpSync(backup, join(dir, 'state'), { recursive: true });
  agent = startAgent(ctl.address, dir);
  const starts = await waitFor(
    async () => {
      const e = await agentEvents('started');
      return e.length >= 3 ? e : undefined;
    },
    { timeoutMs: 30_000, message: "the restored agent's start is stored" },
  );
  const second = await api.create(id, spec);
  await api.waitState(second.id, 'VM_STATE_RUNNING');
  t.pass('a VM placed after the restore is seen running');
  await api.act('StopVm', second.id);
  await api.waitState(second.id, 'VM_STATE_STOPPED');

  const ff = await waitFor(async () => (await agentEvents('outbox_fast_forwarded'))[0], {
    message: 'fast-forward event',
  });
  t.equal(ff.severity, 'warning', 'the agent says its sequence went back');
  t.ok(
    Number(ff.attributes.to_seq) > Number(ff.attributes.controller_seq),
    `moved past the controller (${ff.attributes.from_seq} → ${ff.attributes.to_seq}, controller at ${ff.attributes.controller_seq})`,
  );
  t.match(agent.output(), /outbox sequence was behind the controller/, 'and logs it');
  const seqs = starts.map((e) => Number(e.attributes.agent_seq));
  t.equal(
    (await agentEvents('started')).length,
    3,
    'three starts, three events: none lost, the backed-up one not repeated',
  );
  t.ok(
    seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
    `stored in increasing agent seq (${seqs.join(', ')})`,
  );
});
