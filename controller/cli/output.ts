// What a command prints on stdout, by the global -o / --json / --no-headers /
// -q flags: the result only (notes and progress go to stderr). JSON and YAML
// carry the same object a show command prints for create and show, with enum
// values in their short names (`running`, `dedicated`) as the CLI's flags take them.
import { YAML } from './lazy.js';
import * as E from '../../common/grpc/convert.js';
import type { EnumConverter } from '../../common/grpc/convert.js';
import { CliError } from './client.js';
import { json, terminalSafe, type View } from './format.js';
import * as ME from '../../common/grpc/convert-monitor-enums.js';
import * as RE from '../../common/grpc/convert-reclass.js';

export const FORMATS = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputFlags {
  json?: boolean;
  output?: string;
  headers?: boolean;
  quiet?: boolean;
}

export function formatOf(o: OutputFlags): Format {
  if (o.quiet) return 'name';
  const f = o.output ?? (o.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(f))
    throw new CliError(`--output: must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(f)}`);
  if (o.json && f !== 'json') throw new CliError('--json and --output exclude each other (--json is -o json)');
  return f as Format;
}

const CONVERTERS: EnumConverter<string, string>[] = [
  E.VmStateEnum,
  E.DesiredStateEnum,
  E.SlaEnum,
  E.HostKindEnum,
  E.HostStateEnum,
  E.OwnerStateEnum,
  E.TokenKindEnum,
  E.SetStateEnum,
  E.StrategyEnum,
  E.AffinityEnum,
  E.HostViewEnum,
  E.CycleStateEnum,
  ME.AppStateEnum,
  ME.UpdateSourceEnum,
  ME.ProbeKindEnum,
  ME.LadderStepEnum,
  ME.ActionKindEnum,
  ME.ActionOutcomeEnum,
  ME.SubscriptionStateEnum,
  RE.FindingKindEnum,
  RE.RecommendationKindEnum,
  RE.RecommendationStateEnum,
  RE.TargetKindEnum,
  RE.ApplyWhenEnum,
];
/** Proto enum name → the model's short name; UNSPECIFIED → the enum's default or ''. */
const SHORT = new Map<string, string>();
for (const c of CONVERTERS) {
  SHORT.set(c.toProto(undefined), c.fromProto(c.toProto(undefined)) ?? '');
  for (const m of c.values) SHORT.set(c.toProto(m), m);
}

/** `v` with every proto enum name replaced by its short name (a deep copy). */
export function shortEnums(v: unknown): unknown {
  if (typeof v === 'string') return SHORT.get(v) ?? v;
  if (Array.isArray(v)) return v.map(shortEnums);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shortEnums(x)]));
  return v;
}

/** The ids (an appliance's is its VM's; for records without one, the names) of a result, one per line. */
function names(data: unknown): string {
  const items = Array.isArray(data) ? data : [data];
  return items
    .map((x) => {
      const r = (x ?? {}) as { id?: string; vmId?: string; name?: string };
      return r.id || r.vmId || r.name || '';
    })
    .filter(Boolean)
    .map((x) => terminalSafe(x))
    .join('\n');
}

/** The text for stdout (without the final newline; '' prints nothing). */
export function render(o: OutputFlags, data: unknown, human: (v: View) => string): string {
  const f = formatOf(o);
  switch (f) {
    case 'json':
      return json(shortEnums(data));
    case 'yaml':
      return terminalSafe(YAML().stringify(shortEnums(data)).trimEnd(), true);
    case 'name':
      return names(data);
    default:
      return terminalSafe(human({ headers: o.headers !== false, wide: f === 'wide' }), true);
  }
}
