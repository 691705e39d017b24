// The process appliance's bus endpoint: a unix socket per VM at <vm dir>/bus/bus.sock.
// The sandbox binds <vm dir>/bus (read-only: the socket is reachable, nothing
// can be created beside it) at its own path, and no other VM's dir is in the
// sandbox's root, so a workload reaches only its own socket. The line grammar
// is agent/drivers/bus-lines.ts's, the same as a qemu guest's.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../../../common/logger.js';
import { MAX_VM_TOPICS } from '../../../common/bus.js';
import type { BusDelivery, BusListener } from '../driver.js';
import { deliveryLine, MAX_BUS_LINE, parseVmLine } from '../bus-lines.js';
import { lineReader } from '../qemu/line-client.js';

export const busDir = (vmDir: string) => join(vmDir, 'bus');
export const busSocket = (vmDir: string) => join(busDir(vmDir), 'bus.sock');

/** Connections per VM; unanswered bytes per connection before deliveries to it are dropped. */
const MAX_CONNS = 8;
const MAX_CONN_BUFFER = 1 << 20;

interface Conn {
  sock: Socket;
  topics: Set<string>;
}

interface Endpoint {
  server: Server;
  conns: Set<Conn>;
  /** The VM's subscriptions as last reported (the union over its connections). */
  reported: string;
}

export class BusSockets {
  private readonly vms = new Map<string, Endpoint>();
  private readonly listeners = new Set<BusListener>();
  /** Deliveries dropped because the VM did not read (per driver, since start). */
  dropped = 0;

  /** `log`: the driver's logger, looked up when needed (the driver makes it after its fields). */
  constructor(private readonly log: () => Logger) {}

  /** Makes the bus dir before the sandbox binds it (the socket may come later: the dir is bound, not the file). */
  static prepare(vmDir: string): string {
    const d = busDir(vmDir);
    mkdirSync(d, { recursive: true, mode: 0o755 });
    chmodSync(d, 0o755);
    return d;
  }

  /** Listens on the VM's socket (idempotent). */
  open(id: string, vmDir: string): void {
    if (this.vms.has(id)) return;
    BusSockets.prepare(vmDir);
    const path = busSocket(vmDir);
    rmSync(path, { force: true });
    const ep: Endpoint = { server: createServer((s) => this.accept(id, ep, s)), conns: new Set(), reported: '' };
    ep.server.on('error', (err) => this.log().warn({ vm_id: id, err }, 'bus socket failed'));
    ep.server.listen(path, () => {
      try {
        chmodSync(path, 0o666); // the VM's uid connects; the dirs above keep everyone else out
      } catch {
        /* closed meanwhile */
      }
    });
    this.vms.set(id, ep);
  }

  close(id: string): void {
    const ep = this.vms.get(id);
    if (!ep) return;
    this.vms.delete(id);
    ep.server.close();
    for (const c of ep.conns) c.sock.destroy();
    if (ep.reported) for (const l of this.listeners) l.subscriptions(id, []);
  }

  closeAll(): void {
    for (const id of [...this.vms.keys()]) this.close(id);
  }

  listen(l: BusListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  deliver(id: string, d: BusDelivery): boolean {
    const ep = this.vms.get(id);
    if (!ep) return false;
    let any = false;
    const line = deliveryLine(d) + '\n';
    for (const c of ep.conns) {
      if (!c.topics.has(d.topic)) continue;
      if (c.sock.writableLength > MAX_CONN_BUFFER) {
        this.dropped++;
        continue;
      }
      c.sock.write(line);
      any = true;
    }
    return any;
  }

  private accept(id: string, ep: Endpoint, sock: Socket): void {
    if (ep.conns.size >= MAX_CONNS || this.vms.get(id) !== ep) return void sock.end('err too many connections\n');
    const c: Conn = { sock, topics: new Set() };
    ep.conns.add(c);
    sock.on('error', () => {});
    sock.on('close', () => {
      ep.conns.delete(c);
      this.report(id, ep);
    });
    sock.on(
      'data',
      lineReader((l) => sock.write(this.onLine(id, ep, c, l) + '\n'), MAX_BUS_LINE),
    );
  }

  private onLine(id: string, ep: Endpoint, c: Conn, line: string): string {
    const m = parseVmLine(line);
    if (m.kind === 'error') return `err ${m.why}`;
    if (m.kind === 'pub') {
      for (const l of this.listeners) l.publish(id, m.topic, m.payload);
      return 'ok';
    }
    if (m.kind === 'sub') {
      if (!c.topics.has(m.topic) && this.union(ep).size >= MAX_VM_TOPICS && !this.union(ep).has(m.topic))
        return `err at most ${MAX_VM_TOPICS} topics per VM`;
      c.topics.add(m.topic);
    } else c.topics.delete(m.topic);
    this.report(id, ep);
    return 'ok';
  }

  private union(ep: Endpoint): Set<string> {
    return new Set([...ep.conns].flatMap((c) => [...c.topics]));
  }

  private report(id: string, ep: Endpoint): void {
    const topics = [...this.union(ep)].sort();
    if (topics.join(',') === ep.reported || this.vms.get(id) !== ep) return;
    ep.reported = topics.join(',');
    for (const l of this.listeners) l.subscriptions(id, topics);
  }
}
