// A real agent process (process scheme) against a small in-process AgentService
// that sends a DesiredState with a MonitorSpec: the agent polls each VM every
// interval (changed states in full, the rest as PolledMarks), polls at once
// when the appliance is killed (an event poll, not the schedule), and answers
// AgentCommand.app: a poll with the state it read, bad input naming the field.
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from '../../common/ids.js';
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output as CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { ApplianceState__Output as ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { startAgent } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { processesWith } from '../helpers/vms.js';
import { startSessionOnlyController } from '../helpers/fake-controller.js';

const INTERVAL_MS = 1500;

async function testController(t: Test) {
  const fake = await startSessionOnlyController();
  t.teardown(() => fake.stop());
  const { got } = fake;
  const results = () => got.filter((m) => m.commandResult).map((m) => m.commandResult!);
  const reports = () => got.filter((m) => m.appliance).map((m) => m.appliance!);
  return {
    ...fake,
    reports,
    changed: (vmId: string): ApplianceState[] => reports().flatMap((r) => r.changed.filter((c) => c.vmId === vmId)),
    /** The highest poll count the agent reported for the VM (in a change or a mark). */
    polls: (vmId: string): number =>
      Math.max(
        0,
        ...reports().flatMap((r) => [
          ...r.changed.filter((c) => c.vmId === vmId).map((c) => Number(c.polls)),
          ...r.polled.filter((m) => m.vmId === vmId).map((m) => Number(m.polls)),
        ]),
      ),
    async command(c: AgentCommand): Promise<CommandResult> {
      fake.send({ command: c });
      return waitFor(() => results().find((r) => r.commandId === c.commandId), {
        message: `answer to ${c.commandId}`,
      });
    },
  };
}

function desiredVm(vmId: string): DesiredVm {
  return {
    vmId,
    name: `mon-${vmId.slice(-6)}`,
    desired: 'DESIRED_VM_STATE_RUNNING',
    generation: 1,
    spec: { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1, image: '', appliancePort: 8080, config: {} },
    monitor: {
      enabled: true,
      intervalMs: INTERVAL_MS,
      jitterPct: 20,
      probes: [{ name: 'web', kind: 'PROBE_KIND_HTTP', path: '/', timeoutMs: 2000 }],
      thresholds: { failures: 1, windowS: 0 },
      rogue: [{ name: 'shell', nameRegex: '^nosuchrogue$' }],
    },
  };
}

t.test(
  'a real agent polls its VMs per MonitorSpec, event-polls a killed appliance, answers app commands',
  async (t) => {
    const ctl = await testController(t);
    const dir = tmpDir();
    writeFileSync(
      join(dir, 'host.json'),
      JSON.stringify({ hostId: ulid(), controller: ctl.address, enrolledAt: new Date().toISOString() }),
    );
    const agent = startAgent(ctl.address, dir, { args: ['--insecure'] });
    t.teardown(() => agent.kill());
    await waitFor(() => ctl.got.some((m) => m.hello), { message: 'hello', timeoutMs: 30_000 });

    const vms = [ulid(), ulid()];
    ctl.send({ desiredState: { vms: vms.map(desiredVm) } });
    const running = (id: string) =>
      ctl.changed(id).some((c) => c.appState === 'APP_STATE_RUNNING' && c.probes.some((p) => p.name === 'web' && p.ok));
    await waitFor(() => vms.every(running), {
      message: 'both appliances running with a passing probe',
      timeoutMs: 30_000,
    });
    const first = ctl.changed(vms[0]!).find((c) => c.appState === 'APP_STATE_RUNNING')!;
    t.equal(Number(first.generation), 1, 'the state carries the desired generation');

    // Scheduled polls: each VM's count grows every interval, mostly as marks (nothing changed).
    const start = Date.now();
    const base = vms.map((id) => ctl.polls(id));
    await waitFor(() => vms.every((id, i) => ctl.polls(id) >= base[i]! + 3), {
      message: 'three more polls of each vm',
      timeoutMs: 20_000,
    });
    const elapsed = Date.now() - start;
    t.ok(elapsed >= 2 * INTERVAL_MS - 500, `three polls took ${elapsed} ms: paced by the interval, not faster`);
    t.ok(
      ctl.reports().some((r) => r.polled.some((m) => vms.includes(m.vmId))),
      'unchanged polls go up as PolledMarks',
    );
    t.ok(
      ctl.reports().every((r) => r.changed.length <= 500 && r.polled.length <= 5000),
      'reports within their caps',
    );
    t.ok(
      ctl.reports().every((r) => new Set(r.changed.map((c) => c.vmId)).size === r.changed.length),
      'one state per vm per report',
    );

    // AppAction poll: answered with the state it read.
    const polled = await ctl.command({
      commandId: 'poll-1',
      vmId: vms[1],
      generation: 1,
      app: { kind: 'APP_ACTION_KIND_POLL' },
    });
    t.ok(polled.ok, `poll answered: ${polled.error}`);
    t.equal(polled.appliance?.vmId, vms[1], 'the answer carries the polled vm');
    t.equal(polled.appliance?.appState, 'APP_STATE_RUNNING', 'its app is running');
    t.equal(polled.appliance?.trigger, 'request', 'a requested poll');
    const bad = await ctl.command({
      commandId: 'kill-bad',
      vmId: vms[1],
      generation: 1,
      app: { kind: 'APP_ACTION_KIND_KILL_PROCESS', pid: 1 },
    });
    t.notOk(bad.ok, 'kill of pid 1 refused');
    t.match(bad.error, /app\.pid/, 'the error names the field');

    // The appliance killed: an event poll reports it faulted before the next scheduled poll would.
    const [pid] = processesWith(vms[0]!);
    t.ok(pid, 'the appliance process of the first vm');
    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    const faulted = await waitFor(
      () =>
        ctl.changed(vms[0]!).find((c) => c.appState === 'APP_STATE_FAULTED' && Number(c.timeUnixMs) >= killedAt - 1000),
      { message: 'faulted state after the kill', timeoutMs: 20_000 },
    );
    t.equal(faulted.source, 'UPDATE_SOURCE_EVENT', `an event poll (trigger ${faulted.trigger})`);
    t.match(faulted.trigger, /^(vm-status|guest-fault|probe-failed)$/, 'caused by the kill');
    t.ok(faulted.fault.length > 0, `fault text: ${faulted.fault}`);
    t.ok(
      vms.slice(1).every((id) => !ctl.changed(id).some((c) => c.appState === 'APP_STATE_FAULTED')),
      'the other vm is not affected',
    );

    // A reconnect: every state is sent again in full, on the new session.
    const hellos = ctl.got.filter((m) => m.hello).length;
    ctl.hangUp();
    await waitFor(() => ctl.got.filter((m) => m.hello).length > hellos, { message: 'reconnected', timeoutMs: 30_000 });
    const at = ctl.got.length;
    await waitFor(
      () => {
        const after = ctl.got.slice(at).flatMap((m) => m.appliance?.changed.map((c) => c.vmId) ?? []);
        return vms.every((id) => after.includes(id));
      },
      { message: 'every state resent after the reconnect', timeoutMs: 20_000 },
    );
  },
);
