import type { VmSetSpec__Output as VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import { InvalidArgumentError } from '../../common/errors.js';
import type { SetRequest } from '../model/index.js';
import { AffinityEnum, SlaEnum, StrategyEnum } from '../../common/grpc/convert.js';
import { requireName } from '../../common/validate.js';
import { isLabelValue, LABEL_KEY_RE, LABEL_VALUE_MAX, LABELS_MAX } from '../../common/limits.js';
import { dimValueArg } from '../usage/convert.js';
import { MIN_MEMORY_MIB, SCHEMES, validateSpec, type Scheme } from '../vms/spec.js';

export const MAX_SET_COUNT = 10_000;
const MAX_WINDOW_S = 30 * 86_400;
const MAX_DURATION_S = 366 * 86_400;
const MAX_AHEAD_MS = 366 * 86_400_000;

/** A validated instantiation request, defaults filled. */
export type { SetRequest };

export function requireCount(field: string, n: number, min: number): number {
  if (!Number.isInteger(n) || n < min || n > MAX_SET_COUNT)
    throw new InvalidArgumentError(field, `must be between ${min} and ${MAX_SET_COUNT}`);
  return n;
}

/** Validates the instantiation request; every error names its field under `set.`. */
export function validateSetRequest(s: VmSetSpec | null | undefined, now: number, defaultUserGroup = ''): SetRequest {
  if (!s) throw new InvalidArgumentError('set', 'is required');
  const name = s.name ? requireName('set.name', s.name) : '';
  const tenant = s.tenant ? requireName('set.tenant', s.tenant) : '';
  const pref = s.schemePreference ?? [];
  if (pref.length > SCHEMES.length)
    throw new InvalidArgumentError('set.scheme_preference', `at most ${SCHEMES.length} schemes`);
  pref.forEach((x, i) => {
    if (!SCHEMES.includes(x as Scheme))
      throw new InvalidArgumentError(`set.scheme_preference[${i}]`, `must be one of ${SCHEMES.join(', ')}`);
  });
  if (new Set(pref).size !== pref.length)
    throw new InvalidArgumentError('set.scheme_preference', 'lists a scheme twice');
  if (!s.spec) throw new InvalidArgumentError('set.spec', 'is required');
  const schemes = pref.length ? pref : [s.spec.scheme];
  const spec = validateSpec({ ...s.spec, scheme: s.spec.scheme || schemes[0]! }, 'set.spec');
  if (pref.length && s.spec.scheme && !pref.includes(s.spec.scheme))
    throw new InvalidArgumentError('set.spec.scheme', 'is not in scheme_preference');
  for (const x of schemes) {
    const min = MIN_MEMORY_MIB[x as Scheme];
    if (spec.memoryMib < min)
      throw new InvalidArgumentError('set.spec.memory_mib', `under the ${x} guest minimum of ${min} MiB`);
  }
  const count = requireCount('set.count', s.count, 1);
  const sla = SlaEnum.isUnspecified(s.sla) ? 'guaranteed' : SlaEnum.fromProto(s.sla);
  if (!sla) throw new InvalidArgumentError('set.sla', 'must be guaranteed or best_effort');
  const affinity = AffinityEnum.fromProto(s.affinity);
  if (!affinity) throw new InvalidArgumentError('set.affinity', 'unknown affinity');
  const strategy = StrategyEnum.fromProto(s.strategy);
  if (!strategy) throw new InvalidArgumentError('set.strategy', 'unknown strategy');
  const startAt = s.startAtUnixMs;
  if (!Number.isSafeInteger(startAt) || startAt < 0)
    throw new InvalidArgumentError('set.start_at_unix_ms', 'must be a time in Unix milliseconds (0 = now)');
  if (startAt > now + MAX_AHEAD_MS) throw new InvalidArgumentError('set.start_at_unix_ms', 'is more than a year ahead');
  if (!Number.isInteger(s.batchWindowS) || s.batchWindowS < 0 || s.batchWindowS > MAX_WINDOW_S)
    throw new InvalidArgumentError('set.batch_window_s', `must be between 0 and ${MAX_WINDOW_S}`);
  if (!Number.isInteger(s.durationS) || s.durationS < 0 || s.durationS > MAX_DURATION_S)
    throw new InvalidArgumentError('set.duration_s', `must be between 0 and ${MAX_DURATION_S}`);
  if (s.endOnTask) {
    if (schemes.some((x) => x !== 'process'))
      throw new InvalidArgumentError('set.end_on_task', 'only the process scheme runs tasks');
    if (!spec.config.task)
      throw new InvalidArgumentError('set.spec.config.task', 'is required when the set ends on its task');
  }
  if (affinity === 'affinity' && s.batchWindowS > 0)
    throw new InvalidArgumentError('set.affinity', 'an affinity set cannot wait in a batch window');
  const group = s.group ? requireName('set.group', s.group) : '';
  const labels: Record<string, string> = {};
  const entries = Object.entries(s.labels ?? {});
  if (entries.length > LABELS_MAX) throw new InvalidArgumentError('set.labels', `at most ${LABELS_MAX} labels`);
  for (const [k, v] of entries) {
    if (!LABEL_KEY_RE.test(k))
      throw new InvalidArgumentError(
        'set.labels',
        `key ${JSON.stringify(k.slice(0, 40))} must match ${LABEL_KEY_RE.source}`,
      );
    if (!isLabelValue(v))
      throw new InvalidArgumentError(`set.labels.${k}`, `must be at most ${LABEL_VALUE_MAX} printable characters`);
    labels[k] = v;
  }
  // Usage dimensions, inherited by every VM of the set; user_group defaults to the caller token's.
  const app = dimValueArg('set.app', s.app);
  const userGroup = dimValueArg('set.user_group', s.userGroup) || defaultUserGroup;
  return {
    name,
    tenant,
    spec,
    count,
    sla,
    startAtUnixMs: startAt,
    batchWindowS: s.batchWindowS,
    durationS: s.durationS,
    endOnTask: !!s.endOnTask,
    group,
    labels,
    affinity,
    schemePreference: schemes,
    strategy,
    ...(app ? { app } : {}),
    ...(userGroup ? { userGroup } : {}),
  };
}
