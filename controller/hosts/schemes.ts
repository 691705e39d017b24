import type { SchemeInfo__Output as SchemeInfo } from '../../common/gen/nephele/v1/SchemeInfo.js';

// What an agent says about its schemes (the drivers' fingerprint attributes),
// bounded as it arrives: the planner filters on some of it (process isolation)
// and `host show` prints it.

const MAX_SCHEMES = 16;
const MAX_ATTRIBUTES = 16;
const KEY_RE = /^[a-z0-9_.-]{1,32}$/;

export function cleanSchemeInfo(list: SchemeInfo[] | undefined): SchemeInfo[] {
  const out: SchemeInfo[] = [];
  for (const s of (list ?? []).slice(0, MAX_SCHEMES)) {
    if (!KEY_RE.test(s.scheme) || out.some((x) => x.scheme === s.scheme)) continue;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.attributes ?? {}).slice(0, MAX_ATTRIBUTES)) {
      if (KEY_RE.test(k) && typeof v === 'string') attributes[k] = v.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
    }
    out.push({ scheme: s.scheme, attributes });
  }
  return out;
}

/** Per scheme, its `isolation` attribute ('full' | 'none'); a scheme that says nothing is absent (fail closed). */
export function isolationOf(list: SchemeInfo[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) if (s.attributes?.isolation) out[s.scheme] = s.attributes.isolation;
  return out;
}
