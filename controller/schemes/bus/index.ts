// The messaging bus between VMs of any scheme (issue 16 item 6), assembled:
// the router, the hosts' side (sessions), and SchemeService's bus RPCs.
import type { RpcLayer } from '../../rpc/handler.js';
import type { SchemeDeps } from '../deps.js';
import { Bus } from './bus.js';
import { DEFAULT_BUS_LIMITS, type BusLimits } from './core.js';
import { BusHosts } from './hosts.js';
import { busHandlers } from './service.js';

/**
 * Tests only: smaller bounds (JSON of BusLimits fields), so overflow shows with
 * a few hundred messages (as NEPHELE_TEST_HOLD_ACKS, read once at start).
 */
function testLimits(): Partial<BusLimits> {
  const v = process.env.NEPHELE_TEST_BUS_LIMITS;
  return v ? (JSON.parse(v) as Partial<BusLimits>) : {};
}

export async function startBus(
  d: SchemeDeps,
  limits: BusLimits = d.busLimits ?? { ...DEFAULT_BUS_LIMITS, ...testLimits() },
) {
  const log = d.log.child({ part: 'bus' });
  const bus = new Bus(d.store, d.clock, log, limits, {
    backlog: (hostId) => d.sessions.backlog(hostId),
    send: (hostId, m) => d.sessions.sendTo(hostId, m),
  });
  await bus.start();
  const hosts = new BusHosts(
    bus,
    {
      get: async (id) => (await d.vms.get(id).catch(() => undefined))?.vm,
      onChange: (fn) => {
        d.vms.onChanged(fn);
        d.vms.onObserved((o) => fn(o.vm));
      },
    },
    d.events,
    d.clock,
    log,
    limits,
  );
  d.sessions.bus = hosts;
  return {
    bus,
    hosts,
    handlers: (layer: RpcLayer) => busHandlers(layer, bus, limits),
    stop: async () => {
      d.sessions.bus = undefined;
      hosts.stop();
      await bus.flush();
    },
  };
}
