// An image's family (GetImageLineage, and RevokeImage's descendants): parents
// by parent_image_id up to the root, children by IMAGES_BY_PARENT, sets by
// SETS_BY_IMAGE. Every walk is bounded: depth, nodes, sets per image.
import type { Store } from '../../common/store/index.js';
import { IMAGES, IMAGES_BY_PARENT, SETS_BY_IMAGE, indexKey, type ImageRecord } from '../model/image.js';
import { SETS } from '../planner/sets.js';
import type { SetRecord } from '../model/index.js';
import type { Scope } from '../tokens/ports.js';
import { effective } from './store.js';

export const MAX_NODES = 1000;
export const MAX_DEPTH = 64;
export const MAX_SETS_PER_IMAGE = 100;

export interface LineageNode {
  image: ImageRecord;
  version: number;
  depth: number;
  setIds: string[];
  childIds: string[];
}

async function children(store: Store, id: string, limit: number): Promise<string[]> {
  const prefix = indexKey(id, '');
  const out: string[] = [];
  for await (const { key } of store.scan(IMAGES_BY_PARENT, { prefix, limit })) out.push(key.slice(prefix.length));
  return out;
}

/** The sets cloned from an image that are not retired. */
export async function liveSetsOf(store: Store, imageId: string): Promise<string[]> {
  const prefix = indexKey(imageId, '');
  const ids: string[] = [];
  for await (const { key } of store.scan(SETS_BY_IMAGE, { prefix, limit: MAX_SETS_PER_IMAGE }))
    ids.push(key.slice(prefix.length));
  const recs = await store.getMany<SetRecord>(SETS, ids);
  return ids.filter((_, i) => recs[i] && recs[i]!.value.state !== 'retired');
}

/** Depth-first from `rootId` (depth 0), at most MAX_NODES nodes, only images in `scope`. */
export async function family(store: Store, rootId: string, scope: Scope, now: number): Promise<LineageNode[]> {
  const nodes: LineageNode[] = [];
  const walk = async (id: string, depth: number): Promise<void> => {
    if (nodes.length >= MAX_NODES || depth > MAX_DEPTH) return;
    const r = await store.get<ImageRecord>(IMAGES, id);
    if (!r || (scope !== undefined && r.value.tenant !== scope)) return;
    const node: LineageNode = {
      image: effective(r.value, now),
      version: r.version,
      depth,
      setIds: await liveSetsOf(store, id),
      childIds: await children(store, id, MAX_NODES - nodes.length),
    };
    nodes.push(node);
    for (const c of node.childIds) await walk(c, depth + 1);
  };
  await walk(rootId, 0);
  return nodes;
}

/** The oldest ancestor of an image the caller may see (the image itself when it has none). */
export async function rootOf(store: Store, image: ImageRecord, scope: Scope): Promise<string> {
  let cur = image;
  for (let i = 0; i < MAX_DEPTH && cur.parentImageId; i++) {
    const p = await store.get<ImageRecord>(IMAGES, cur.parentImageId);
    if (!p || (scope !== undefined && p.value.tenant !== scope)) break;
    cur = p.value;
  }
  return cur.id;
}
