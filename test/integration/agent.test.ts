import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import type { ListEventsResponse__Output } from '../../common/gen/nephele/v1/ListEventsResponse.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

t.test('an agent with a bad join token is refused and enrols nothing', async (t) => {
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const good = await joinToken(ctl);
  const [, pin, id] = good.split('.');

  const unknown = startAgent(ctl.address, tmpDir(), { joinToken: `nj1.${pin}.${id!.slice(0, 25)}Z.bogussecret` });
  t.equal(await unknown.exited, 1, 'exits non-zero');
  t.match(unknown.output(), /nephele-agent: invalid join token/, 'says why, in one line');

  const wrongPin = startAgent(ctl.address, tmpDir(), { joinToken: good.replace(pin!, 'A'.repeat(43)) });
  t.equal(await wrongPin.exited, 1);
  t.match(wrongPin.output(), /no CA matching the join token/, 'refuses a controller whose CA does not match the pin');

  const none = startAgent(ctl.address, tmpDir());
  t.equal(await none.exited, 1);
  t.match(none.output(), /not enrolled yet: pass --join-token/);

  t.equal((await listHosts(ctl)).length, 0, 'no host enrolled');

  // The good token still works after those attempts, exactly once.
  const dir = tmpDir();
  const a = startAgent(ctl.address, dir, { joinToken: good });
  t.teardown(() => a.kill());
  await waitFor(async () => (await listHosts(ctl)).length === 1, { timeoutMs: 30_000, message: 'enrolled' });
  // The host record lands before the agent has written the answer to disk.
  await waitFor(() => existsSync(join(dir, 'host.json')), { message: 'identity written' });
  t.ok(
    existsSync(join(dir, 'key.pem')) && existsSync(join(dir, 'cert.pem')),
    'key and certificate kept in the data dir',
  );
  const reuse = startAgent(ctl.address, tmpDir(), { joinToken: good });
  t.equal(await reuse.exited, 1, 'a used join token cannot enrol a second agent');
  t.match(reuse.output(), /join token already used/);
});

t.test('events an agent makes while the controller is away arrive once it returns', async (t) => {
  const cdir = tmpDir();
  let ctl = await startController(cdir);
  const dir = tmpDir();
  let agent = startAgent(ctl.address, dir, { joinToken: await joinToken(ctl) });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'ready',
  });
  const id = hostIdOf(dir);
  const startedEvents = async (): Promise<Event[]> => {
    const a = ctl.admin();
    try {
      const r = await a.call<ListEventsResponse__Output>((md, o, cb) =>
        a.events.ListEvents(
          { sinceSeq: 0, pageSize: 1000, filter: { typePrefix: 'agent.started', hostId: id } },
          md,
          o,
          cb,
        ),
      );
      return r.events;
    } finally {
      a.close();
    }
  };
  await waitFor(async () => (await startedEvents()).length === 1, { message: 'first start event' });

  const port = ctl.port;
  await ctl.stop();
  // Restart the agent while the controller is down: its "started" event waits in its outbox.
  await agent.stop();
  agent = startAgent(`127.0.0.1:${port}`, dir);
  await waitFor(() => /session lost; reconnecting/.test(agent.output()), {
    timeoutMs: 20_000,
    message: 'agent running offline',
  });

  ctl = await startController(cdir, { port });
  const evs = await waitFor(
    async () => {
      const e = await startedEvents();
      return e.length >= 2 ? e : undefined;
    },
    { timeoutMs: 40_000, message: 'offline event delivered' },
  );
  // Give a duplicate (a resend racing the ack) time to show up, then check there is none.
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', { message: 'ready again' });
  const final = await startedEvents();
  t.equal(final.length, 2, 'two starts, two events: nothing lost, nothing duplicated');
  t.same(
    final.map((e) => e.attributes.agent_seq),
    ['1', '2'],
    'in agent sequence order',
  );
  t.ok(
    evs.every((e) => e.hostId === id && e.actor === id),
    'attributed to the host',
  );
});
