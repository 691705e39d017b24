import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { Driver, Fingerprint } from './driver.js';
import { ProcessDriver } from './process/driver.js';
import type { UidRange } from './process/sandbox.js';
import { QemuDriver } from './qemu/driver.js';
import { LibvirtDriver } from './libvirt/driver.js';
import { DEFAULT_LIBVIRT_URI } from './libvirt/virsh.js';
import type { VmFence } from '../fence/fence.js';

export interface DriverSetup {
  dataDir: string;
  imageRoot: string;
  /** Only these schemes (default: every one whose fingerprint is healthy). */
  schemes?: string[];
  /** Per-VM uids of sandboxed process VMs (default 200000-265535). */
  processUids?: UidRange;
  log: Logger;
  /** Guards every VM the drivers start against outliving a dead agent. */
  fence?: VmFence;
  /** libvirtd's URI; the libvirt driver is loaded only when this is given or `schemes` names libvirt. */
  libvirtUri?: string;
}

/** Builds the drivers this host can use, from their fingerprints. */
export async function loadDrivers(o: DriverSetup): Promise<{ drivers: Driver[]; fingerprints: Fingerprint[] }> {
  const stateDir = join(o.dataDir, 'vms');
  const all: Driver[] = [];
  const want = (s: string) => !o.schemes || o.schemes.includes(s);
  if (want('qemu'))
    all.push(
      new QemuDriver({ stateDir, imageRoot: o.imageRoot, log: o.log, fence: o.fence }), // it binds driver itself
    );
  if (want('process'))
    all.push(
      new ProcessDriver({
        stateDir,
        log: o.log.child({ driver: 'process' }),
        fence: o.fence,
        ...(o.processUids ? { uids: o.processUids } : {}),
      }),
    );
  // Opt-in, so hosts without libvirtd keep today's defaults (and no virsh call at start).
  if (want('libvirt') && (o.libvirtUri || o.schemes?.includes('libvirt')))
    all.push(
      new LibvirtDriver({
        stateDir: join(o.dataDir, 'libvirt'),
        accelDir: stateDir,
        imageRoot: o.imageRoot,
        uri: o.libvirtUri || DEFAULT_LIBVIRT_URI,
        log: o.log,
        fence: o.fence,
      }),
    );
  const drivers: Driver[] = [];
  const fingerprints: Fingerprint[] = [];
  for (const d of all) {
    const fp = await d
      .fingerprint()
      .catch((e: Error) => ({ scheme: d.scheme, healthy: false, detail: e.message, attributes: {} }));
    fingerprints.push(fp);
    if (fp.healthy) drivers.push(d);
    else await d.close();
    const fields = { scheme: d.scheme, healthy: fp.healthy, detail: fp.detail, attributes: fp.attributes };
    o.log[fp.healthy ? 'info' : 'warn'](fields, 'driver fingerprint');
  }
  return { drivers, fingerprints };
}
