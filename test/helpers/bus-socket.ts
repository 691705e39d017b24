// A client of a VM's bus line protocol (agent/drivers/bus-lines.ts): the process
// appliance's local socket, spoken from the test as the workload would.
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { lineReader } from '../../agent/drivers/qemu/line-client.js';
import { waitFor } from './wait.js';

export interface Delivered {
  topic: string;
  seq: number;
  fromVmId: string;
  fromScheme: string;
  payload: string;
}

export function parseMsg(line: string): Delivered | undefined {
  const m = /^msg (\S+) (\d+) (\S+) (\S+) (\d+) (\S+)$/.exec(line);
  if (!m) return undefined;
  const b64 = m[6] === '-' ? '' : m[6]!;
  return {
    topic: m[1]!,
    seq: Number(m[2]),
    fromVmId: m[3] === '-' ? '' : m[3]!,
    fromScheme: m[4] === '-' ? '' : m[4]!,
    payload: Buffer.from(b64, 'base64').toString('utf8'),
  };
}

export class BusClient {
  readonly got: Delivered[] = [];
  /** Set: `msg` lines go here, unparsed and not kept (the bench). */
  onMsgLine?: (line: string) => void;
  private readonly answers: string[] = [];
  private constructor(private readonly sock: Socket) {
    sock.on(
      'data',
      lineReader((l) => {
        if (this.onMsgLine && l.startsWith('msg ')) return this.onMsgLine(l);
        const d = parseMsg(l);
        if (d) this.got.push(d);
        else this.answers.push(l);
      }, 1 << 20),
    );
    sock.on('error', () => {});
  }

  /** The process VM's socket under an agent's data dir. */
  static path(agentDir: string, vmId: string): string {
    return join(agentDir, 'vms', vmId, 'bus', 'bus.sock');
  }

  static connect(path: string): Promise<BusClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection(path, () => resolve(new BusClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends one line and resolves with its answer (ok / err ...). */
  async send(line: string): Promise<string> {
    const n = this.answers.length;
    this.sock.write(line + '\n');
    await waitFor(() => this.answers.length > n, { timeoutMs: 10_000, message: `answer to ${line.slice(0, 40)}` });
    return this.answers[n]!;
  }

  /** Writes lines without waiting for their answers (a burst). */
  burst(lines: string[]): void {
    this.sock.write(lines.map((l) => l + '\n').join(''));
  }

  answered(): number {
    return this.answers.length;
  }

  close(): void {
    this.sock.destroy();
  }
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
