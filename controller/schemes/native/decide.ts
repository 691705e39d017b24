// The decide step of ControlVmNative, a pure function: a tool and its argv in,
// the canonical action on one VM (or a query) out. Nothing is looked up here;
// act.ts resolves the VM reference within the caller's scope and does it.
import { InvalidArgumentError } from '../../../common/errors.js';
import { NATIVE_TOOLS, TOOLS, USAGE, VERB_MEANING, toolNamed, type CanonicalAction, type NativeTool } from './vocab.js';

/** Which VMs a listing shows: active ones (running, paused, booting), inactive ones, or all. */
export type ListFilter = 'active' | 'inactive' | 'all';

/** A VM reference as the tool gave it: a name, a Nephele id, or (virsh) a UUID; `tenant` from a vmrun path. */
export interface VmRef {
  ref: string;
  tenant?: string;
}

interface Base {
  tool: NativeTool;
  verb: string;
  /** The argument as the user wrote it (xl create's file name, vmrun's path), for answers that echo it. */
  given?: string;
}
export type Decision =
  | (Base & { kind: 'action'; action: CanonicalAction; target: VmRef })
  | (Base & { kind: 'info'; target: VmRef; verbose: boolean })
  | (Base & { kind: 'list'; filter: ListFilter; only?: VmRef; show: 'table' | 'name' | 'uuid' });

function bad(problem: string, field = 'command'): never {
  throw new InvalidArgumentError(field, problem);
}

/** Options a verb takes: boolean flags, and flags with a value (ignored ones map to null). */
interface OptSpec {
  flags?: Record<string, string | null>;
  values?: Record<string, string | null>;
}

/**
 * Splits a verb's arguments into its options (by their canonical name) and
 * positionals. `--x=v` and `--x v` both work; `--` ends the options; an
 * unknown option is refused naming it and the ones the verb takes.
 */
function options(tool: string, verb: string, args: string[], spec: OptSpec) {
  const set = new Map<string, string>();
  const pos: string[] = [];
  let ended = false;
  const known = [...Object.keys(spec.flags ?? {}), ...Object.keys(spec.values ?? {})];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (ended || !a.startsWith('-') || a === '-') {
      pos.push(a);
      continue;
    }
    if (a === '--') {
      ended = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (spec.flags && Object.hasOwn(spec.flags, name)) {
      if (eq > 0) bad(`${tool} ${verb}: ${name} takes no value`);
      const canon = spec.flags[name];
      if (canon) set.set(canon, '');
    } else if (spec.values && Object.hasOwn(spec.values, name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) bad(`${tool} ${verb}: ${name} needs a value`);
      const canon = spec.values[name];
      if (canon) set.set(canon, v);
    } else
      bad(
        `${tool} ${verb}: option ${JSON.stringify(name.slice(0, 64))} is not supported` +
          (known.length ? ` (supported: ${known.join(', ')})` : ' (it takes none)'),
      );
  }
  return { set, pos };
}

/** Exactly `min`..`max` positionals, or a usage error. */
function arity(tool: string, verb: string, pos: string[], min: number, max: number, what: string): void {
  if (pos.length < min) bad(`${tool} ${verb}: missing ${what} (usage: ${USAGE[tool as NativeTool]})`);
  if (pos.length > max)
    bad(
      `${tool} ${verb}: unexpected argument ${JSON.stringify(pos[max]!.slice(0, 64))} (usage: ${USAGE[tool as NativeTool]})`,
    );
}

/** The tool of a request: its `scheme` (a tool or scheme name), else the command's first word. */
export function pickTool(scheme: string, argv: string[]): { tool: NativeTool; rest: string[] } {
  const named = scheme ? toolNamed(scheme) : undefined;
  if (scheme && !named)
    bad(
      `unknown tool ${JSON.stringify(scheme.slice(0, 64))}; supported: ${TOOLS.map((t) => `${t} (${NATIVE_TOOLS[t].scheme})`).join(', ')}`,
      'scheme',
    );
  // "virsh start web-1" with scheme virsh (or none): the tool's own name first is allowed.
  const first = argv[0] !== undefined ? toolNamed(argv[0]) : undefined;
  if (named) return { tool: named, rest: argv[0] === named ? argv.slice(1) : argv };
  if (first && argv[0] === first) return { tool: first, rest: argv.slice(1) };
  bad(`name the tool (supported: ${TOOLS.join(', ')})`, 'scheme');
}

/** The tool's verb (after its global options), or INVALID_ARGUMENT listing the supported verbs. */
function verbOf(tool: NativeTool, argv: string[]): { verb: string; args: string[]; globals: Map<string, string> } {
  const globals: OptSpec = {
    virsh: { flags: { '-q': null, '--quiet': null }, values: { '-c': null, '--connect': null } },
    xl: { flags: { '-v': null } },
    vmrun: { values: { '-T': null } },
    qm: {},
  }[tool];
  // Global options come before the verb: split there.
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++)
    if (globals.values && Object.hasOwn(globals.values, argv[i]!.split('=')[0]!) && !argv[i]!.includes('=')) i++;
  const { set } = options(tool, '(global)', argv.slice(0, i), globals);
  const verb = argv[i];
  const supported = NATIVE_TOOLS[tool].verbs.join(', ');
  if (verb === undefined) bad(`${tool}: missing the command (supported: ${supported})`);
  if (!Object.hasOwn(VERB_MEANING[tool], verb))
    bad(`${tool}: unsupported command ${JSON.stringify(verb.slice(0, 64))}; supported: ${supported}`);
  return { verb, args: argv.slice(i + 1), globals: set };
}

/** File name without its directory and any of `exts`: xl's config file, vmrun's .vmx path. */
function stem(path: string, exts: string[]): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const ext = exts.find((e) => base.toLowerCase().endsWith(e) && base.length > e.length);
  return ext ? base.slice(0, -ext.length) : base;
}

/** A vmrun path: /nephele/<tenant>/<name>.vmx (as vmrun list prints them) names the tenant too. */
function vmxRef(path: string): VmRef {
  const m = /^\/nephele\/([^/]+)\/[^/]+$/.exec(path);
  return { ref: stem(path, ['.vmx']), ...(m ? { tenant: m[1] } : {}) };
}

const virshDomainOpts = (extra: Record<string, string | null> = {}): OptSpec => ({
  flags: extra,
  values: { '--domain': 'domain' },
});

function decideVirsh(verb: string, args: string[]): Decision {
  const meaning = VERB_MEANING.virsh[verb]!;
  if (meaning === 'list') {
    const { set, pos } = options('virsh', verb, args, {
      flags: { '--all': 'all', '--inactive': 'inactive', '--name': 'name', '--uuid': 'uuid' },
    });
    arity('virsh', verb, pos, 0, 0, '');
    if (set.has('all') && set.has('inactive')) bad('virsh list: --all and --inactive exclude each other');
    if (set.has('name') && set.has('uuid')) bad('virsh list: --name and --uuid exclude each other');
    const filter: ListFilter = set.has('all') ? 'all' : set.has('inactive') ? 'inactive' : 'active';
    return {
      tool: 'virsh',
      verb,
      kind: 'list',
      filter,
      show: set.has('name') ? 'name' : set.has('uuid') ? 'uuid' : 'table',
    };
  }
  const spec = virshDomainOpts(verb === 'destroy' ? { '--graceful': 'graceful' } : {});
  if (verb === 'shutdown' || verb === 'reboot') spec.values!['--mode'] = 'mode';
  const { set, pos } = options('virsh', verb, args, spec);
  const mode = set.get('mode');
  if (mode !== undefined && !['acpi', 'agent', 'signal'].includes(mode))
    bad(`virsh ${verb}: --mode ${JSON.stringify(mode.slice(0, 32))} is not supported (acpi, agent, signal)`);
  const dom = set.get('domain');
  if (dom !== undefined) pos.unshift(dom);
  arity('virsh', verb, pos, 1, 1, '<domain>');
  const target = { ref: pos[0]! };
  if (meaning === 'info') return { tool: 'virsh', verb, kind: 'info', target, verbose: false };
  // destroy --graceful: libvirt tries SIGTERM only, never SIGKILL: our graceful stop.
  const action = meaning === 'stop_hard' && set.has('graceful') ? 'stop' : meaning;
  return { tool: 'virsh', verb, kind: 'action', action, target };
}

function decideXl(verb: string, args: string[]): Decision {
  const meaning = VERB_MEANING.xl[verb]!;
  const { pos } = options('xl', verb, args, {});
  if (meaning === 'list') {
    arity('xl', verb, pos, 0, 1, '');
    const only = pos[0] ? { only: { ref: pos[0] } } : {};
    return { tool: 'xl', verb, kind: 'list', filter: 'active', show: 'table', ...only };
  }
  if (verb === 'create') {
    arity('xl', verb, pos, 1, 1, '<config file>');
    // The config file names the VM: web-1.cfg starts web-1.
    const target = { ref: stem(pos[0]!, ['.cfg', '.hvm', '.xl', '.conf']) };
    return { tool: 'xl', verb, kind: 'action', action: 'start', target, given: pos[0] };
  }
  arity('xl', verb, pos, 1, 1, '<domain>');
  return { tool: 'xl', verb, kind: 'action', action: meaning as CanonicalAction, target: { ref: pos[0]! } };
}

function decideVmrun(verb: string, args: string[]): Decision {
  const meaning = VERB_MEANING.vmrun[verb]!;
  const { pos } = options('vmrun', verb, args, {});
  if (meaning === 'list') {
    arity('vmrun', verb, pos, 0, 0, '');
    return { tool: 'vmrun', verb, kind: 'list', filter: 'active', show: 'table' };
  }
  arity('vmrun', verb, pos, 1, 2, '<path to vmx file>');
  const mode = pos[1];
  const modes = verb === 'start' ? ['gui', 'nogui'] : ['hard', 'soft'];
  if (mode !== undefined && !modes.includes(mode))
    bad(`vmrun ${verb}: ${JSON.stringify(mode.slice(0, 32))} is not supported (${modes.join(' or ')})`);
  // stop hard: a power-off; soft (the default) asks the guest. suspend and reset: one kind each here.
  const action = verb === 'stop' && mode === 'hard' ? 'stop_hard' : (meaning as CanonicalAction);
  return { tool: 'vmrun', verb, kind: 'action', action, target: vmxRef(pos[0]!), given: pos[0] };
}

function decideQm(verb: string, args: string[]): Decision {
  const meaning = VERB_MEANING.qm[verb]!;
  const { set, pos } = options('qm', verb, args, verb === 'status' ? { flags: { '--verbose': 'verbose' } } : {});
  arity('qm', verb, pos, 1, 1, '<vm name or id> (Nephele VMs have no numeric vmid)');
  const target = { ref: pos[0]! };
  if (meaning === 'info') return { tool: 'qm', verb, kind: 'info', target, verbose: set.has('verbose') };
  return { tool: 'qm', verb, kind: 'action', action: meaning as CanonicalAction, target };
}

/** Tool (or scheme) and argv → what to do. Throws INVALID_ARGUMENT naming the problem. */
export function decide(scheme: string, argv: string[]): Decision {
  const { tool, rest } = pickTool(scheme, argv);
  const { verb, args } = verbOf(tool, rest);
  if (tool === 'virsh') return decideVirsh(verb, args);
  if (tool === 'xl') return decideXl(verb, args);
  if (tool === 'vmrun') return decideVmrun(verb, args);
  return decideQm(verb, args);
}
