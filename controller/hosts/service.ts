import type { HostServiceHandlers } from '../../common/gen/nephele/v1/HostService.js';
import { HostKindEnum, HostStateEnum, HostViewEnum } from '../../common/grpc/convert.js';
import type { HostView__Output } from '../../common/gen/nephele/v1/HostView.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { optionalString, pageSize, requireId, requireName } from '../../common/validate.js';
import { buildInfo } from '../../common/version.js';
import { unaryRpc, pageToken, type RpcLayer } from '../rpc/handler.js';
import type { SessionManager } from './session.js';
import type { HostDetail, HostRegistry } from './registry.js';
import type { Liveness } from './liveness.js';
import type { Planner } from '../planner/planner.js';
import { removeHost } from './remove.js';

const MAX_GROUPS = 64;
/** A full inventory is at most ~100 KiB (common/inventory-limits.ts): 25 stay well under the clients' 4 MiB receive limit. */
const FULL_PAGE = { def: 20, max: 25 };
/** A page ends early rather than grow past this (JSON size, above the encoded size): hosts carry operator and agent strings. */
export const PAGE_BYTES = 2 * 1024 * 1024;

/** How many of `items` fit in a page of `budget` bytes (at least one, so paging always advances). */
export function fitPage(items: unknown[], budget = PAGE_BYTES): number {
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    used += JSON.stringify(items[i]).length;
    if (used > budget && i > 0) return i;
  }
  return items.length;
}

function detailOf(v: unknown, def: HostDetail): HostDetail {
  return HostViewEnum.optional(v as HostView__Output, 'view') ?? def;
}

export function hostHandlers(
  layer: RpcLayer,
  hosts: HostRegistry,
  live: Liveness,
  sessions: SessionManager,
  planner: Planner,
): HostServiceHandlers {
  const view = (h: Awaited<ReturnType<HostRegistry['get']>>, detail: HostDetail = 'full') =>
    hosts.view(h.rec, h.version, live.lastSeen(h.rec.id), detail);
  const byRef = async (ref: string) => ({ host: view(await hosts.get(ref)) });
  return {
    ListHosts: unaryRpc(layer, 'HostService.ListHosts', async (req) => {
      const detail = detailOf(req.view, 'basic');
      const limit = detail === 'full' ? pageSize(req.pageSize, FULL_PAGE.def, FULL_PAGE.max) : pageSize(req.pageSize);
      const after = pageToken.decode(req.pageToken);
      const group = req.group ? requireName('group', req.group) : undefined;
      if (group)
        await hosts.getGroup(group).catch(() => {
          throw new InvalidArgumentError('group', 'unknown group');
        });
      const state = HostStateEnum.optional(req.state, 'state');
      const kind = HostKindEnum.optional(req.kind, 'kind');
      const { hosts: page, more } = await hosts.list({ after, limit, group, state, kind });
      const views = page.map((h) => view(h, detail));
      const n = fitPage(views);
      return {
        hosts: views.slice(0, n),
        nextPageToken: more || n < views.length ? pageToken.encode(page[n - 1]?.rec.id) : '',
      };
    }),
    GetHost: unaryRpc(layer, 'HostService.GetHost', async (req) => {
      const id = requireId('host_id', req.hostId);
      return { host: view(await hosts.get(id), detailOf(req.view, 'full')) };
    }),
    CordonHost: unaryRpc(
      layer,
      'HostService.CordonHost',
      async (req) => {
        const id = requireId('host_id', req.hostId);
        const reason = optionalString('reason', req.reason, 256);
        return { host: view(await hosts.cordon(id, true, reason)) };
      },
      byRef,
    ),
    UncordonHost: unaryRpc(
      layer,
      'HostService.UncordonHost',
      async (req) => ({ host: view(await hosts.cordon(requireId('host_id', req.hostId), false, '')) }),
      byRef,
    ),
    DrainHost: unaryRpc(
      layer,
      'HostService.DrainHost',
      async (req) => {
        const id = requireId('host_id', req.hostId);
        const reason = optionalString('reason', req.reason, 256);
        await hosts.get(id);
        const res = await planner.drain(id, reason);
        return {
          host: view(await hosts.get(id)),
          vmsMoved: res.moved,
          vmsUnplaced: res.unplaced,
          reasons: res.reasons,
        };
      },
      async (ref) => ({ host: view(await hosts.get(ref)), vmsMoved: 0, vmsUnplaced: 0, reasons: [] }),
    ),
    CreateGroup: unaryRpc(
      layer,
      'HostService.CreateGroup',
      async (req) => {
        const name = requireName('name', req.name);
        const description = optionalString('description', req.description, 1024);
        const g = await hosts.createGroup(name, description);
        return { group: { ...g, hostCount: 0 } };
      },
      async (ref) => ({ group: await hosts.getGroup(ref) }),
    ),
    ListGroups: unaryRpc(layer, 'HostService.ListGroups', async (req) => {
      const limit = pageSize(req.pageSize);
      const { groups, more } = await hosts.listGroups(pageToken.decode(req.pageToken), limit);
      return { groups, nextPageToken: more ? pageToken.encode(groups.at(-1)?.name) : '' };
    }),
    SetHostGroups: unaryRpc(
      layer,
      'HostService.SetHostGroups',
      async (req) => {
        const id = requireId('host_id', req.hostId);
        if (!Array.isArray(req.groups)) throw new InvalidArgumentError('groups', 'must be a list');
        if (req.groups.length > MAX_GROUPS) throw new InvalidArgumentError('groups', `at most ${MAX_GROUPS} groups`);
        const groups = req.groups.map((g, i) => requireName(`groups[${i}]`, g));
        return { host: view(await hosts.setGroups(id, groups)) };
      },
      byRef,
    ),
    RevokeHost: unaryRpc(
      layer,
      'HostService.RevokeHost',
      async (req) => {
        const id = requireId('host_id', req.hostId);
        const reason = optionalString('reason', req.reason, 256);
        const h = await hosts.revoke(id, reason || 'revoked by an operator');
        sessions.disconnect(id, 'host credentials revoked');
        return { host: view(h) };
      },
      byRef,
    ),
    GetVersion: unaryRpc(layer, 'HostService.GetVersion', async () => buildInfo()),
    RemoveHost: unaryRpc(
      layer,
      'HostService.RemoveHost',
      async (req) => {
        const id = requireId('host_id', req.hostId);
        const host = view(await removeHost(hosts, id, () => planner.settled()));
        // Forgotten first: the session's end is then no transition to store for a host that is gone.
        sessions.forget(id);
        sessions.disconnect(id, 'host removed');
        return { host };
      },
      // Removed already: nothing left to show.
      async () => ({}),
    ),
  };
}
