import { createReadStream, existsSync, statSync, watchFile } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './client.js';

/**
 * `nephele vm console ID`: the serial log (qemu) or console log (process) that
 * the agent keeps per VM. It is read on the host, where the agent keeps it.
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
