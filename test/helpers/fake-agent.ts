import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { Hello } from '../../common/gen/nephele/v1/Hello.js';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { ControllerProc } from './procs.js';
import { enrolAll, SimAgent } from './sim-agent.js';
import * as grpc from '@grpc/grpc-js';
import { diskChunks } from '../../common/disk-stream.js';
import { v1 } from '../../common/grpc/load.js';
import type { AgentCommand__Output } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';

const GiB = 2 ** 30;

/** The small inventory a fake agent reports unless told otherwise: 8 vCPUs, 8 GiB, process only. */
export function fakeInventory(name: string): Inventory {
  const guest = { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
  return {
    schemes: ['process'],
    total: guest,
    reserved: { vcpus: 0, memoryBytes: 0, diskBytes: 0 },
    guest,
    hash: `fake-${name}`,
    collectedUnixMs: Date.now(),
  };
}

/**
 * An agent that speaks the real protocol over mTLS but runs nothing (a
 * SimAgent): it answers every VM it is given with `answer` (e.g. a host that
 * refuses them), once per generation. For planner behaviour that real drivers
 * cannot be made to show on demand, and for agents that misbehave (`send`
 * writes any message on the session).
 */
export async function fakeAgent(
  ctl: ControllerProc,
  o: {
    joinToken: string;
    name: string;
    labels?: Record<string, string>;
    /** undefined: no answer at all (e.g. a host that goes away with the VM). */
    answer?: (vm: DesiredVm) => { state: 'VM_STATE_RUNNING' | 'VM_STATE_FAILED'; reason: string } | undefined;
    /** Reported on Welcome instead of fakeInventory(name). */
    inventory?: Inventory;
    /** Fields of Hello to send instead of the defaults. */
    hello?: Partial<Hello>;
    /** Answers agent commands (see fakeGuests); unanswered when absent. */
    command?: (c: AgentCommand__Output) => CommandResult | undefined;
    /** Sees every desired state pushed (e.g. DesiredVm.monitor, which changes without a new generation). */
    onDesired?: (vms: DesiredVm[]) => void;
    /** Cold moves, source side: the disk file it hands over (PutDisk) when asked to export a VM's disk. */
    disk?: string;
    /** Cold moves, target side: downloads a moved disk (GetDisk) before answering; its sha256 goes in `imported`. */
    fetchDisks?: boolean;
  },
) {
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const [id] = await enrolAll(ctl.address, ca, [o.joinToken], { hostname: () => o.name });
  const answer = o.answer ?? (() => ({ state: 'VM_STATE_RUNNING' as const, reason: 'running' }));
  const inv = o.inventory ?? fakeInventory(o.name);
  const answered = new Map<string, number>();
  const seen: string[] = [];
  /** Per VM, the sha256 of the moved disk it was created from. */
  const imported = new Map<string, string>();
  const lastAnswer = new Map<string, string>();
  const creds = () => grpc.credentials.createSsl(ca, Buffer.from(id!.keyPem), Buffer.from(id!.certPem));
  const client = () => new (v1().AgentService)(ctl.address, creds());
  const exportDisk = async (vm: DesiredVm) => {
    const c = client();
    try {
      await new Promise<void>((resolve, reject) => {
        const call = c.PutDisk((err: unknown) => (err ? reject(err as Error) : resolve()));
        void (async () => {
          for await (const ch of diskChunks(o.disk!, vm.exportDisk)) call.write(ch);
          call.end();
        })().catch(reject);
      });
    } finally {
      c.close();
    }
  };
  const fetchDisk = async (vm: DesiredVm) => {
    const c = client();
    const sha = createHash('sha256');
    try {
      for await (const ch of c.GetDisk({ transferId: vm.importDisk }) as AsyncIterable<{ data: Buffer }>)
        sha.update(ch.data);
      imported.set(vm.vmId, sha.digest('hex'));
    } finally {
      c.close();
    }
  };
  const agent: SimAgent = new SimAgent(
    id!,
    ca,
    {
      hello: { agentVersion: 'fake', hostname: o.name, labels: o.labels ?? {}, ...o.hello },
      heartbeat: { load: { load1: 0, cpuPct: 0, memoryAvailableBytes: 8 * GiB }, free: inv.guest },
      beats: 'self',
      channelOptions: { 'grpc.max_send_message_length': -1 },
    },
    {
      welcome: () => agent.send({ inventory: { inventory: inv } }),
      command: (c) => {
        const r = o.command?.(c);
        if (r) agent.send({ commandResult: r });
      },
      desired: (vms) => {
        o.onDesired?.(vms);
        for (const vm of vms) {
          // A disk handed over at the same generation (a cold move's export): stopped, then uploaded.
          if (o.disk && vm.exportDisk && vm.desired !== 'DESIRED_VM_STATE_DESTROYED') {
            if (lastAnswer.get(vm.vmId) === `export ${vm.exportDisk}`) continue;
            lastAnswer.set(vm.vmId, `export ${vm.exportDisk}`);
            agent.report(vm, 'VM_STATE_STOPPED', 'stopped for a move');
            void exportDisk(vm).catch((e: Error) => agent.report(vm, 'VM_STATE_FAILED', `export: ${e.message}`));
            continue;
          }
          const key = `${vm.generation}`;
          if (answered.get(vm.vmId) === vm.generation && lastAnswer.get(vm.vmId) === key) continue;
          lastAnswer.set(vm.vmId, key);
          answered.set(vm.vmId, vm.generation);
          seen.push(vm.vmId);
          const a =
            vm.desired === 'DESIRED_VM_STATE_DESTROYED'
              ? { state: 'VM_STATE_DESTROYED' as const, reason: 'destroyed' }
              : answer(vm);
          if (!a) continue;
          if (o.fetchDisks && vm.importDisk && a.state === 'VM_STATE_RUNNING')
            void fetchDisk(vm).then(
              () => agent.report(vm, a.state, a.reason),
              (e: Error) => agent.report(vm, 'VM_STATE_FAILED', `moved disk: ${e.message}`),
            );
          else agent.report(vm, a.state, a.reason);
        }
      },
    },
  );
  const r = await agent.connect(ctl.address, 20_000);
  if (r !== 'open') throw new Error(`${o.name} not welcomed (${r})`);
  return {
    hostId: id!.hostId,
    /** VM ids this host was asked to run. */
    seen,
    imported,
    /** The generation of each VM this host last answered. */
    answered,
    welcome: () => agent.welcome!,
    /** Highest durable seq the controller has acked. */
    acked: () => agent.acked,
    /** The next report seq, as an honest agent would number it. */
    nextSeq: () => agent.nextSeq(),
    send: (m: AgentMessage) => agent.send(m),
    /** Stops the regular heartbeats (a test then sends its own). */
    pauseHeartbeats: () => agent.pauseBeats(),
    close: () => agent.close(),
    /** Opens a new session with the same identity (e.g. to a restarted controller): 'open', 'failed' or 'late'. */
    reconnect: (address = ctl.address) => agent.connect(address, 20_000),
  };
}

/** An enrolled host's own AgentService client (mTLS with its certificate), for its non-session calls (FetchImage, PutImage). */
export async function agentClient(ctl: ControllerProc, joinToken: string, name: string) {
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const [id] = await enrolAll(ctl.address, ca, [joinToken], { hostname: () => name });
  const creds = grpc.credentials.createSsl(ca, Buffer.from(id!.keyPem), Buffer.from(id!.certPem));
  return { hostId: id!.hostId, client: new (v1().AgentService)(ctl.address, creds) };
}

/**
 * The guests of a fake agent, as agent commands see them: a token per VM (its
 * sha256 is what token_check answers), applied configuration, probes that answer
 * 200. Captures are refused (a fake agent has no disk to upload).
 */
export function fakeGuests() {
  const tokens = new Map<string, string>();
  const config = new Map<string, Record<string, string>>();
  const commands: AgentCommand__Output[] = [];
  const answer = (c: AgentCommand__Output): CommandResult => {
    commands.push(c);
    const ok = { commandId: c.commandId, ok: true };
    // Decoded from the wire, `op` names the oneof; built in-process (unit tests), only the field is set.
    const op =
      c.op ?? (['tokenPut', 'tokenCheck', 'tokenRemove', 'capture', 'configure', 'probe'] as const).find((k) => c[k]);
    switch (op) {
      case 'tokenPut':
        tokens.set(c.vmId, createHash('sha256').update(c.tokenPut!.token).digest('hex'));
        return ok;
      case 'tokenCheck':
        return { ...ok, tokenSha256: tokens.get(c.vmId) ?? '' };
      case 'tokenRemove':
        tokens.delete(c.vmId);
        return ok;
      case 'configure':
        config.set(c.vmId, { ...config.get(c.vmId), ...c.configure!.config });
        return ok;
      case 'probe':
        return { ...ok, httpStatus: 200, detail: 'ok' };
      default:
        return { commandId: c.commandId, ok: false, error: 'a fake agent cannot capture' };
    }
  };
  return { tokens, config, commands, answer };
}
