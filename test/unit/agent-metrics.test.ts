// The agent's metrics sources: the outbox depth kept without reading the store
// (and equal to what is stored, through add, ack, reconcile and a reopen), and
// driver errors counted by driver and operation without changing the driver.
import t from 'tap';
import { join } from 'node:path';
import { Outbox } from '../../agent/outbox.js';
import { AgentMetrics, countingErrors } from '../../agent/metrics.js';
import type { Driver } from '../../agent/drivers/driver.js';
import { LevelStore } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { tmpDir } from '../helpers/tmp.js';
import { parseExposition } from '../helpers/metrics.js';

const ev = (type: string) => ({ type, timeUnixMs: 1, severity: 'info', message: type, attributes: {} });

t.test('outbox depth follows what is stored', async (t) => {
  const path = join(tmpDir(), 'db');
  let s = await LevelStore.open(path);
  let o = await Outbox.open(s);
  const same = async (what: string) => t.equal(o.depth(), await o.size(), `${what}: depth ${o.depth()}`);
  await same('empty');
  for (const x of ['a', 'b', 'c', 'd', 'e']) await o.add(ev(x));
  await same('after 5 adds');
  await o.ack(2);
  await same('after ack(2)');
  await o.reconcile(3, [{ epoch: o.epoch, seq: 3 }]);
  await same('after a reconcile that drops one');
  // The controller is ahead of us but has only up to 3 of this run: the rest is renumbered past 10.
  t.equal((await o.reconcile(10, [{ epoch: o.epoch, seq: 3 }])).renumbered, 2);
  await same('after a renumbering reconcile');
  await s.close();
  s = await LevelStore.open(path);
  t.teardown(() => s.close());
  o = await Outbox.open(s);
  await same('after a reopen');
  t.ok(o.depth() > 0, 'something still waits');
});

t.test('driver errors are counted by driver and operation; the driver works as before', async (t) => {
  class Fake {
    readonly scheme = 'process';
    #secret = 7; // a private field: the wrapper must call methods on the driver itself
    async inspect(id: string) {
      if (id === 'gone') throw new Error('no such vm');
      return { phase: 'running', reason: String(this.#secret) };
    }
    stop(): Promise<void> {
      throw new Error('thrown before any promise');
    }
    guestPids() {
      return [this.#secret];
    }
  }
  const m = new AgentMetrics(silentLogger);
  const [d] = m.drivers([new Fake() as unknown as Driver]);
  t.same(await d!.inspect('x'), { phase: 'running', reason: '7' }, 'results pass through');
  t.same(d!.guestPids!(), [7], 'other methods pass through');
  await t.rejects(d!.inspect('gone'), /no such vm/, 'rejections pass through');
  await t.rejects(d!.inspect('gone'), /no such vm/);
  t.throws(() => d!.stop('x', 1), /thrown before/, 'throws pass through');
  t.equal(d!.scheme, 'process');
  const x = parseExposition(await m.registry.metrics());
  t.equal(x.value('nephele_agent_driver_errors_total', { driver: 'process', operation: 'inspect' }), 2);
  t.equal(x.value('nephele_agent_driver_errors_total', { driver: 'process', operation: 'stop' }), 1);

  let seen = '';
  const counted = countingErrors(new Fake() as unknown as Driver, (driver, op) => (seen = `${driver}/${op}`));
  await counted.inspect('gone').catch(() => {});
  t.equal(seen, 'process/inspect');
});
