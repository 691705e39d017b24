// Control actions by hand and the action log (issue 14, item actions) against a
// real controller with a fake agent that answers AppAction commands: the action
// goes to the VM's host with the action id as its command id, VM actions change
// the VM (seen through the real CLI), every action is an event (CLI `events tail`),
// the log lists newest first, filtered and paged; bad input is INVALID_ARGUMENT
// naming the field, another tenant sees nothing, a request_id replays, and a
// terminated member of a guaranteed set is replaced by the planner.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentCommand__Output } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { ControlAction__Output as ControlAction } from '../../common/gen/nephele/v1/ControlAction.js';
import type { TakeControlActionResponse__Output } from '../../common/gen/nephele/v1/TakeControlActionResponse.js';
import type { ListControlActionsResponse__Output } from '../../common/gen/nephele/v1/ListControlActionsResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { tmpDir } from '../helpers/tmp.js';
import { hostReady } from '../helpers/image-world.js';
import { waitFor } from '../helpers/wait.js';
import { statusOf } from '../helpers/status.js';
import { cli, grpc, joinToken, startController, unary } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';

t.test('TakeControlAction and ListControlActions', async (t) => {
  const ctl = await startController(tmpDir());
  const commands: AgentCommand__Output[] = [];
  const agent = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'alpha',
    command: (c): CommandResult | undefined => {
      if (!c.app) return undefined;
      commands.push(c);
      // The guest has no pid 999: the agent refuses to kill it.
      if (c.app.kind === 'APP_ACTION_KIND_KILL_PROCESS' && c.app.pid === 999)
        return { commandId: c.commandId, ok: false, error: 'no such process in the vm' };
      return { commandId: c.commandId, ok: true };
    },
  });
  t.teardown(() => (agent.close(), ctl.kill()));
  await hostReady(ctl, false);
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  /** The CLI must succeed: exit 0, nothing on stderr but progress. */
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')} exits 0 (${r.stderr.trim()})`);
    return r;
  };
  const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  const monitor = new (v1().MonitorService)(ctl.address, creds);
  const md = (tok: string) => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${tok}`);
    return m;
  };
  const admin = md(readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim());
  const take = (req: object, m = admin) =>
    unary<TakeControlActionResponse__Output>((cb) => monitor.TakeControlAction(req, m, cb)).then(
      (r) => r.action as ControlAction,
    );
  const list = (req: object, m = admin) =>
    unary<ListControlActionsResponse__Output>((cb) => monitor.ListControlActions(req, m, cb));

  await ok('set', 'create', '--name', 'web', '--count', '1', '--scheme', 'process', '--memory', '64', '--wait');
  const vms = JSON.parse((await ok('--json', 'vm', 'ls')).stdout) as { id: string; hostId: string }[];
  const vmId = vms[0]!.id;

  // An app action: sent to the VM's host, the action id as the command id; done when the agent says ok.
  const restart = await take({ vmId, kind: 'CONTROL_ACTION_KIND_RESTART_APP', reason: 'stuck' });
  t.match(restart, {
    vmId,
    kind: 'CONTROL_ACTION_KIND_RESTART_APP',
    trigger: 'manual',
    outcome: 'ACTION_OUTCOME_DONE',
    cause: 'stuck',
    hostId: agent.hostId,
  });
  t.match(restart.principal, /.+/, 'who asked is recorded');
  t.equal(commands.length, 1);
  t.equal(commands[0]!.commandId, restart.id, 'the command id is the action id (the agent answers a repeat once)');
  t.equal(commands[0]!.vmId, vmId);
  t.equal(commands[0]!.app!.kind, 'APP_ACTION_KIND_RESTART_APP');

  // The agent refusing is the action's outcome, not an RPC error.
  const kill = await take({ vmId, kind: 'CONTROL_ACTION_KIND_KILL_PROCESS', pid: 999 });
  t.equal(kill.outcome, 'ACTION_OUTCOME_FAILED');
  t.match(kill.detail, /no such process/);
  t.equal(commands[1]!.app!.pid, 999);

  // A VM action: the VM's desired state changes (seen through the CLI).
  const suspend = await take({ vmId, kind: 'CONTROL_ACTION_KIND_SUSPEND' });
  t.equal(suspend.outcome, 'ACTION_OUTCOME_DONE');
  const shown = JSON.parse((await ok('--json', 'vm', 'show', vmId)).stdout) as { desired: string };
  t.match(shown.desired, /SUSPENDED|suspended/, 'the VM is to be suspended');
  t.equal(commands.length, 2, 'VM actions are not sent as app commands');

  // Idempotent on request_id: one action, one command.
  const once = await take({ vmId, kind: 'CONTROL_ACTION_KIND_POLL', requestId: 'poll-1' });
  const twice = await take({ vmId, kind: 'CONTROL_ACTION_KIND_POLL', requestId: 'poll-1' });
  t.equal(twice.id, once.id, 'a replay answers the first action');
  t.equal(commands.length, 3, 'and sends nothing again');

  // A set without a base image: the guest's app update, with the version asked for.
  const update = await take({ vmId, kind: 'CONTROL_ACTION_KIND_UPDATE_APP', version: '2.0.1' });
  t.equal(update.outcome, 'ACTION_OUTCOME_DONE');
  t.match(commands[3]!.app, { kind: 'APP_ACTION_KIND_UPDATE_APP', version: '2.0.1' });

  // The log: newest first, filtered, paged.
  const all = await list({ vmId });
  t.same(
    all.actions.map((a) => a.id),
    [update.id, once.id, suspend.id, kill.id, restart.id],
  );
  const failed = await list({ kind: 'CONTROL_ACTION_KIND_KILL_PROCESS' });
  t.same(
    failed.actions.map((a) => a.id),
    [kill.id],
  );
  const p1 = await list({ pageSize: 4 });
  t.equal(p1.actions.length, 4);
  const p2 = await list({ pageSize: 4, pageToken: p1.nextPageToken });
  t.same(
    p2.actions.map((a) => a.id),
    [restart.id],
    'the second page continues where the first ended',
  );
  t.same((await list({ sinceUnixMs: Number(suspend.createdUnixMs) })).actions.length, 3, 'since');

  // Every action step is an event (CLI).
  const ev = await ok('--json', 'events', 'tail', '--type', 'monitor.action', '-n', '100');
  const events = ev.stdout
    .trim()
    .split('\n')
    .flatMap((l) => JSON.parse(l) as unknown)
    .flat() as { attributes: Record<string, string> }[];
  for (const a of [restart, kill, suspend])
    t.ok(
      events.some(
        (e) =>
          e.attributes.action_id === a.id &&
          e.attributes.outcome === a.outcome.replace('ACTION_OUTCOME_', '').toLowerCase(),
      ),
      `event for ${a.kind} ${a.outcome}`,
    );

  // Bad input names the field.
  const bad = async (req: object, field: string) => {
    const st = await statusOf(take(req));
    t.equal(st.code, grpc.status.INVALID_ARGUMENT, `${field}: INVALID_ARGUMENT`);
    t.match(st.details, new RegExp(`^${field}:`), st.details);
  };
  await bad({ vmId, kind: 'CONTROL_ACTION_KIND_KILL_PROCESS' }, 'pid');
  await bad({ vmId, kind: 'CONTROL_ACTION_KIND_RESTART_APP', pid: 5 }, 'pid');
  await bad({ vmId }, 'kind');
  await bad({ vmId: 'nope', kind: 'CONTROL_ACTION_KIND_POLL' }, 'vm_id');
  await bad({ vmId, kind: 'CONTROL_ACTION_KIND_UPDATE_APP' }, 'version');
  await bad({ vmId, kind: 'CONTROL_ACTION_KIND_UPDATE_APP', version: 'a b' }, 'version');
  const badList = await statusOf(list({ trigger: 'bogus' }));
  t.equal(badList.code, grpc.status.INVALID_ARGUMENT);
  t.match(badList.details, /^trigger:/);

  // Another tenant: the VM is not found, the log is empty.
  t.equal((await run('tenant', 'create', 'acme')).code, 0);
  const acme = md(
    (await ok('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme')).stdout.trim(),
  );
  const other = await statusOf(take({ vmId, kind: 'CONTROL_ACTION_KIND_RESTART_APP' }, acme));
  t.equal(other.code, grpc.status.NOT_FOUND, "another tenant's VM is not found");
  t.same((await list({}, acme)).actions, [], 'another tenant sees none of the actions');
  t.same((await list({ tenant: 'default' }, acme)).actions, []);
  t.equal(commands.length, 4, 'nothing was sent for the refusals');

  // terminate destroys the VM; the guaranteed set's planner puts a fresh member in its place.
  const term = await take({ vmId, kind: 'CONTROL_ACTION_KIND_TERMINATE', reason: 'ladder spent' });
  t.equal(term.outcome, 'ACTION_OUTCOME_DONE');
  const members = async () => JSON.parse((await ok('--json', 'vm', 'ls', '--set', 'web')).stdout) as { id: string }[];
  const fresh = await waitFor(async () => (await members()).find((v) => v.id !== vmId), {
    message: 'a replacement member',
    timeoutMs: 30_000,
  });
  t.not(fresh.id, vmId, 'the set got a new VM');
});
