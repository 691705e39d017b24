// Runs one policy probe from the agent: http GET and tcp connect to the VM's
// appliance port on 127.0.0.1, exec inside the VM through its driver (never on
// the host). Never throws: every failure is an outcome with its reason.
import { connect } from 'node:net';
import type { ProbeSpec } from '../../common/model/monitor.js';
import type { Clock } from '../../common/clock.js';
import { probe as httpGet } from '../commands/probe.js';
import type { Driver } from '../drivers/driver.js';
import type { ProbeOutcome } from './evaluate.js';

export interface ProbeTarget {
  id: string;
  driver: Driver;
  hostPort: number;
}

export async function runProbe(p: ProbeSpec, vm: ProbeTarget, clock: Clock): Promise<ProbeOutcome> {
  const started = clock.now();
  const done = (ok: boolean, detail: string): ProbeOutcome => ({
    name: p.name,
    ok,
    latencyMs: clock.now() - started,
    detail: ok ? '' : detail,
  });
  try {
    switch (p.kind) {
      case 'http': {
        if (!vm.hostPort) return done(false, 'the vm has no host port');
        const a = await httpGet(vm.hostPort, p.path, p.expectBody, p.timeoutMs);
        if (!p.expectStatus) return done(a.ok, a.error);
        const bodyOk = a.error !== 'expected text not found';
        const ok = a.httpStatus === p.expectStatus && bodyOk;
        return done(ok, a.httpStatus ? `http status ${a.httpStatus}` : a.error);
      }
      case 'tcp': {
        // A guest port other than the appliance's is not forwarded: only the appliance port is reachable.
        if (!vm.hostPort) return done(false, 'the vm has no host port');
        const err = await tcpConnect(vm.hostPort, p.timeoutMs);
        return done(!err, err);
      }
      case 'exec': {
        if (!vm.driver.guestExec) return done(false, `the ${vm.driver.scheme} driver cannot run commands in a vm`);
        const r = await vm.driver.guestExec(vm.id, p.command, p.timeoutMs);
        return done(r.exitCode === p.expectExit, `exit code ${r.exitCode}: ${r.output.replace(/[^\x20-\x7e]/g, ' ')}`);
      }
    }
  } catch (e) {
    return done(false, (e as Error).message ?? String(e));
  }
}

/** '' when a connection to 127.0.0.1:port opens within the timeout, else why not. */
function tcpConnect(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const finish = (err: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(err);
    };
    const timer = setTimeout(() => finish(`no connection within ${timeoutMs} ms`), timeoutMs);
    s.once('connect', () => finish(''));
    s.once('error', (e) => finish(e.message));
  });
}
