// GetConfigurationTable: a set's management token (live or last), the image it is
// cloned from, its members with their addresses, and its image and cycle history.
import type { ConfigurationTable__Output as Table } from '../../common/gen/nephele/v1/ConfigurationTable.js';
import type { UpdateCycle__Output as UpdateCycle } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { ImageVersion__Output as ImageVersion } from '../../common/gen/nephele/v1/ImageVersion.js';
import { ImageStateEnum, VmStateEnum } from '../../common/grpc/convert.js';
import type { Store } from '../../common/store/index.js';
import type { HostRegistry } from '../hosts/registry.js';
import { getSet, live, vmsOfSet, waitsForHost } from '../planner/sets.js';
import {
  IMAGES,
  IMAGES_BY_TENANT,
  MGMT_BY_SET,
  MGMT_TOKENS,
  type ImageRecord,
  type ManagementRecord,
} from '../model/index.js';
import type { ImageStore, Scope } from './ports.js';

/** Members listed in one table (a set may hold 10,000 VMs; GetPlan pages the rest). */
export const MAX_MEMBERS = 1000;

export interface TableDeps {
  store: Store;
  hosts: HostRegistry;
  images: ImageStore;
  /** The set's update cycles, oldest first, at most 32 (controller/tokens/cycle; none until it lands). */
  cyclesOf?: (setId: string, imageId: string) => Promise<UpdateCycle[]>;
}

const version = (i: ImageRecord): ImageVersion => ({
  imageId: i.id,
  parentImageId: i.parentImageId,
  tokenId: i.tokenId,
  configVersion: i.configVersion,
  createdUnixMs: i.createdUnixMs,
  state: ImageStateEnum.toProto(i.state),
});

/** Images scanned for a set's history (its tenant's, newest ids last; the set's own are few). */
export const MAX_HISTORY_SCAN = 2000;

/** The image the set was cloned from and those captured from its management instances, oldest first. */
async function history(store: Store, tenant: string, setId: string, imageId: string): Promise<ImageRecord[]> {
  const prefix = `${tenant}\x00`;
  const ids: string[] = [];
  for await (const { key } of store.scan(IMAGES_BY_TENANT, { prefix, limit: MAX_HISTORY_SCAN }))
    ids.push(key.slice(prefix.length));
  if (imageId && !ids.includes(imageId)) ids.push(imageId);
  const found = (await store.getMany<ImageRecord>(IMAGES, ids)).flatMap((r) => (r ? [r.value] : []));
  return found.filter((i) => i.id === imageId || i.setId === setId).sort((a, b) => a.createdUnixMs - b.createdUnixMs);
}

export async function configurationTable(d: TableDeps, setId: string, scope: Scope): Promise<Table> {
  const { set } = await getSet(d.store, setId, scope);
  const prefix = `${setId}\x00`;
  let token: ManagementRecord | undefined;
  for await (const { key } of d.store.scan(MGMT_BY_SET, { prefix, reverse: true, limit: 1 }))
    token = (await d.store.get<ManagementRecord>(MGMT_TOKENS, key.slice(prefix.length)))?.value;
  const vms = (await vmsOfSet(d.store, setId)).map((r) => r.vm).filter((v) => live(v) || waitsForHost(v));
  const addr = new Map<string, string>();
  for (const h of new Set(vms.map((v) => v.hostId).filter(Boolean)))
    addr.set(h, (await d.hosts.get(h).catch(() => undefined))?.rec.addresses[0] ?? '');
  const imageId = set.request.spec.base?.imageId ?? '';
  const images = (await history(d.store, set.tenant, setId, imageId)).map(version);
  return {
    setId,
    tenant: set.tenant,
    tokenId: token?.tokenId ?? '',
    tokenLive: !!token?.live,
    imageId,
    count: set.count,
    expiresUnixMs: set.expiresUnixMs,
    members: vms.slice(0, MAX_MEMBERS).map((v) => ({
      vmId: v.id,
      name: v.name,
      hostId: v.hostId,
      // A management instance is hidden: it has no address anyone may reach.
      address: !v.managed && v.hostPort && addr.get(v.hostId) ? `${addr.get(v.hostId)}:${v.hostPort}` : '',
      state: VmStateEnum.toProto(v.state),
      management: !!v.managed,
      expiresUnixMs: set.expiresUnixMs,
    })),
    images,
    cycles: (await d.cyclesOf?.(setId, imageId)) ?? [],
  };
}
