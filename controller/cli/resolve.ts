// Every command that takes a host, set or VM id also takes a unique id prefix
// (4+ characters, as Nomad does) or the object's name, unique among what the
// caller may see (List calls are tenant-scoped by the controller). Resolved here
// through the List RPCs, paged and bounded; what matches nothing goes to the
// controller as given, which answers INVALID_ARGUMENT or NOT_FOUND itself.
import { ULID_RE } from '../../common/ids.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { ListVmSetsResponse__Output as ListVmSetsResponse } from '../../common/gen/nephele/v1/ListVmSetsResponse.js';
import type * as P from './types.js';
import { CliError, type AdminClient } from './client.js';
import { listAll } from './kit.js';

/** Shortest id prefix accepted: shorter ones match too much to be meant. */
export const MIN_PREFIX = 4;
/** Most objects one resolution reads (pages of 500). */
export const MAX_RESOLVE = 10_000;

const PREFIX_RE = /^[0-9A-HJKMNP-TV-Z]+$/i;

export interface Candidate {
  id: string;
  name: string;
  /** Destroyed or retired: a name is reused once its holder is gone; it finds a gone holder only when no live one has it. */
  gone?: boolean;
}

/** Whether `ref` needs a listing at all (a full id does not). */
export const needsLookup = (ref: string): boolean => !ULID_RE.test(ref);

/** The id `ref` stands for among `all`: exact name first, then unique id prefix; otherwise `ref` itself. */
export function pick(kind: string, ref: string, all: Candidate[]): string {
  if (!needsLookup(ref)) return ref;
  const named = all.filter((x) => !x.gone && x.name === ref);
  if (named.length === 1) return named[0]!.id;
  if (named.length > 1)
    throw new CliError(`${kind} name ${JSON.stringify(ref)} matches ${named.length} ${kind}s; give the id`);
  // No live holder: a name still finds the one gone holder (a retired set's subscription, history, actions).
  const was = all.filter((x) => x.gone && x.name === ref);
  if (was.length === 1) return was[0]!.id;
  if (was.length > 1)
    throw new CliError(`${kind} name ${JSON.stringify(ref)} matches ${was.length} gone ${kind}s; give the id`);
  if (ref.length < MIN_PREFIX || !PREFIX_RE.test(ref)) return ref;
  const up = ref.toUpperCase();
  const prefixed = all.filter((x) => x.id.startsWith(up));
  if (prefixed.length === 1) return prefixed[0]!.id;
  if (prefixed.length > 1)
    throw new CliError(
      `${kind} id prefix ${JSON.stringify(ref)} matches ${prefixed.length} ${kind}s; give more characters`,
    );
  return ref;
}

type Page = (token: string) => Promise<{ items: Candidate[]; next: string }>;

/** Resolves `ref` by reading at most MAX_RESOLVE candidates through `page`. */
export async function resolveRef(kind: string, ref: string, page: Page): Promise<string> {
  if (!needsLookup(ref)) return ref;
  let seen = 0;
  const all = await listAll(async (token) => {
    const r = await page(token);
    seen += r.items.length;
    if (r.next && seen >= MAX_RESOLVE)
      throw new CliError(`more than ${MAX_RESOLVE} ${kind}s to search for ${JSON.stringify(ref)}; give the full id`);
    return r;
  });
  return pick(kind, ref, all);
}

const PAGE = 500;

export const resolveVm = (c: AdminClient, ref: string): Promise<string> =>
  resolveRef('vm', ref, async (pageToken) => {
    const r = await c.call<P.ListVmsResponse>((md, op, cb) => c.vms.ListVms({ pageSize: PAGE, pageToken }, md, op, cb));
    return {
      items: r.vms.map((v: Vm) => ({ id: v.id, name: v.name, gone: v.desired === 'DESIRED_VM_STATE_DESTROYED' })),
      next: r.nextPageToken,
    };
  });

export const resolveSet = (c: AdminClient, ref: string): Promise<string> =>
  resolveRef('set', ref, async (pageToken) => {
    const r = await c.call<ListVmSetsResponse>((md, op, cb) =>
      c.vms.ListVmSets({ pageSize: PAGE, pageToken }, md, op, cb),
    );
    return {
      items: r.sets.map((s: VmSet) => ({
        id: s.id,
        name: s.request?.name ?? '',
        gone: s.state === 'VM_SET_STATE_RETIRING' || s.state === 'VM_SET_STATE_RETIRED',
      })),
      next: r.nextPageToken,
    };
  });

/** Tokens have no names: a unique id prefix only. */
export const resolveToken = (c: AdminClient, ref: string): Promise<string> =>
  resolveRef('token', ref, async (pageToken) => {
    const r = await c.call<P.ListTokensResponse>((md, op, cb) =>
      c.auth.ListTokens({ pageSize: PAGE, pageToken, includeRevoked: true }, md, op, cb),
    );
    return { items: r.tokens.map((x) => ({ id: x.id, name: '', gone: x.revoked })), next: r.nextPageToken };
  });

const listHosts = (c: AdminClient) => async (pageToken: string) => {
  const r = await c.call<P.ListHostsResponse>((md, op, cb) =>
    c.hosts.ListHosts({ pageSize: PAGE, pageToken, view: 'HOST_VIEW_BASIC' }, md, op, cb),
  );
  return { items: r.hosts.map((h: Host) => ({ id: h.id, name: h.name })), next: r.nextPageToken };
};

export const resolveHost = (c: AdminClient, ref: string): Promise<string> => resolveRef('host', ref, listHosts(c));
