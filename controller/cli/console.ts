import { createReadStream, existsSync, statSync, watchFile } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CliError, type AdminClient } from './client.js';

/**
 * `nephele vm console ID --agent-data-dir DIR`: the serial log (qemu) or console
 * log (process) read straight from the agent's data dir, on the VM's host (works
 * while the controller is away).
 */
export async function tailConsole(agentDataDir: string, vmId: string, follow: boolean): Promise<void> {
  const candidates = ['serial.log', 'console.log'].map((f) => join(agentDataDir, 'vms', vmId, f));
  const file = candidates.find((f) => existsSync(f));
  if (!file)
    throw new CliError(
      `no console log for that vm under ${join(agentDataDir, 'vms')} (run this on the vm's host, or pass --agent-data-dir)`,
    );
  let pos = 0;
  const pump = () =>
    new Promise<void>((resolve) => {
      const size = statSync(file).size;
      if (size <= pos) return resolve();
      const s = createReadStream(file, { start: pos, end: size - 1 });
      s.on('data', (d) => process.stdout.write(d));
      s.on('end', () => {
        pos = size;
        resolve();
      });
    });
  await pump();
  if (!follow) return;
  watchFile(file, { interval: 300 }, () => void pump());
  await new Promise(() => {});
}

/**
 * `nephele vm console ID` from anywhere: GetConsole relays the console from the
 * VM's host through the controller. Ctrl-C ends the call; a status ends the CLI
 * with its message.
 */
export async function streamConsole(c: AdminClient, vmId: string, follow: boolean, tailBytes: number): Promise<void> {
  if (tailBytes > 1024 * 1024) throw new CliError('--tail: at most 1M');
  const call = c.vms.GetConsole({ vmId, follow, tailBytes }, c.metadata());
  const stop = () => call.cancel();
  process.once('SIGINT', stop);
  try {
    await new Promise<void>((resolve, reject) => {
      call.on('data', (m: { data: Buffer }) => {
        if (!process.stdout.write(m.data)) {
          call.pause();
          process.stdout.once('drain', () => call.resume());
        }
      });
      call.on('end', resolve);
      call.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? resolve() : reject(e)));
    });
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
