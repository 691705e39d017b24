// The CLI's config file: named contexts (controller, CA file, token file,
// insecure), as kubeconfig and clouds.yaml have, so an operator switches
// controllers with one word. Tokens are never in it, only the files that hold
// them, so `config view` has nothing secret to print.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Document } from 'yaml';
import { YAML } from './lazy.js';
import { CliError } from './client.js';

export interface Context {
  controller?: string;
  caFile?: string;
  tokenFile?: string;
  insecure?: boolean;
}

export interface Config {
  path: string;
  current?: string;
  contexts: Record<string, Context>;
}

/** Keys of a context in the file, and their names in Context. */
const KEYS = {
  controller: 'controller',
  'ca-file': 'caFile',
  'token-file': 'tokenFile',
  insecure: 'insecure',
} as const;
type FileKey = keyof typeof KEYS;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MAX_BYTES = 1024 * 1024;

/** $NEPHELE_CONFIG (through --config-file), else $XDG_CONFIG_HOME or ~/.config, then nephele/config.yaml. */
export function defaultConfigPath(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'nephele', 'config.yaml');
}

/** A path from the file: `~/` is the home directory, a relative path is relative to the file. */
function filePath(cfgPath: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(dirname(cfgPath), p);
}

function bad(path: string, what: string): CliError {
  return new CliError(`config ${path}: ${what}`);
}

function readDoc(path: string): Document | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_BYTES) throw bad(path, 'larger than 1 MiB');
  const doc = YAML().parseDocument(text);
  if (doc.errors.length) throw bad(path, `not YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

/** Parses and checks the file (undefined when there is none); every problem names the key. */
export function loadConfig(path: string): Config | undefined {
  const doc = readDoc(path);
  if (!doc) return undefined;
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad(path, 'must be a mapping');
  const top = raw as Record<string, unknown>;
  for (const k of Object.keys(top))
    if (k !== 'current' && k !== 'contexts') throw bad(path, `unknown key ${JSON.stringify(k)} (current, contexts)`);
  if (top.current !== undefined && typeof top.current !== 'string') throw bad(path, 'current: must be a name');
  const contexts: Record<string, Context> = {};
  const list = top.contexts ?? {};
  if (typeof list !== 'object' || Array.isArray(list)) throw bad(path, 'contexts: must be a mapping of names');
  for (const [name, v] of Object.entries(list as Record<string, unknown>)) {
    if (!NAME_RE.test(name)) throw bad(path, `contexts: ${JSON.stringify(name.slice(0, 64))} is not a valid name`);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(path, `contexts.${name}: must be a mapping`);
    const ctx: Context = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const at = `contexts.${name}.${k}`;
      // The value of an unknown key is never echoed: it may be a token put there by mistake.
      if (!(k in KEYS)) throw bad(path, `unknown key ${at} (${Object.keys(KEYS).join(', ')})`);
      if (k === 'insecure') {
        if (typeof x !== 'boolean') throw bad(path, `${at}: must be true or false`);
        ctx.insecure = x;
      } else {
        if (typeof x !== 'string' || !x.trim()) throw bad(path, `${at}: must be a non-empty string`);
        const key = KEYS[k as Exclude<FileKey, 'insecure'>];
        ctx[key] = key === 'controller' ? x.trim() : filePath(path, x.trim());
      }
    }
    contexts[name] = ctx;
  }
  if (top.current !== undefined && !contexts[top.current])
    throw bad(path, `current: no context named ${JSON.stringify(top.current)}`);
  return { path, current: top.current as string | undefined, contexts };
}

/** The context to use: `name` (from --context / NEPHELE_CONTEXT), else the file's `current`, else none. */
export function selectContext(path: string, name: string | undefined): { name: string; ctx: Context } | undefined {
  const cfg = loadConfig(path);
  if (name !== undefined) {
    if (!cfg) throw new CliError(`--context ${name}: no config file at ${path}`);
    const ctx = cfg.contexts[name];
    if (!ctx) throw new CliError(`--context: no context named ${JSON.stringify(name)} in ${path}`);
    return { name, ctx };
  }
  return cfg?.current ? { name: cfg.current, ctx: cfg.contexts[cfg.current]! } : undefined;
}

/** The connection flags a context can supply. */
export interface Connection {
  controller: string;
  caFile?: string;
  tokenFile?: string;
  insecure: boolean;
  dataDir: string;
}

/**
 * Flag > environment > context > defaults: the context fills what the command
 * line and the environment left at its default. A data dir given explicitly
 * brings its own ca.pem and admin.token, before the context's files.
 */
export function withContext<T extends Connection>(
  o: T,
  source: (key: string) => string | undefined,
  chosen: { name: string; ctx: Context } | undefined,
): T & { tokenFileFrom: string } {
  // tokenFileFrom: where the token file came from, for the message when it cannot be read.
  const out = { ...o, tokenFileFrom: source('tokenFile') === 'env' ? 'NEPHELE_TOKEN_FILE' : '--token-file' };
  if (!chosen) return out;
  const explicit = (k: string) => source(k) === 'cli' || source(k) === 'env';
  const dataDirGiven = explicit('dataDir');
  for (const k of ['controller', 'caFile', 'tokenFile', 'insecure'] as const) {
    const v = chosen.ctx[k];
    if (v === undefined || explicit(k) || (dataDirGiven && (k === 'caFile' || k === 'tokenFile'))) continue;
    (out as unknown as Record<string, unknown>)[k] = v;
    if (k === 'tokenFile') out.tokenFileFrom = `token-file of context ${chosen.name}`;
  }
  return out;
}

export function readTokenFile(file: string, from = '--token-file'): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new CliError(`${from}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Writes the document back whole (comments kept), private to the user, never half-written. */
function save(path: string, doc: Document): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, String(doc), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function useContext(path: string, name: string): void {
  const doc = readDoc(path);
  const cfg = loadConfig(path);
  if (!doc || !cfg) throw new CliError(`no config file at ${path}`);
  if (!cfg.contexts[name]) throw new CliError(`no context named ${JSON.stringify(name)} in ${path}`);
  doc.set('current', name);
  save(path, doc);
}

/** Creates or updates one context with the fields given (others kept). */
export function setContext(path: string, name: string, fields: Context): void {
  if (!NAME_RE.test(name)) throw new CliError(`context name ${JSON.stringify(name.slice(0, 64))} is not valid`);
  loadConfig(path); // refuse to build on a broken file
  const doc = readDoc(path) ?? new (YAML().Document)({ contexts: {} });
  for (const [k, key] of Object.entries(KEYS) as [FileKey, keyof Context][]) {
    const v = fields[key];
    if (v === undefined) continue;
    doc.setIn(['contexts', name, k], key === 'caFile' || key === 'tokenFile' ? resolve(String(v)) : v);
  }
  if (!doc.hasIn(['contexts', name])) doc.setIn(['contexts', name], {});
  save(path, doc);
}

/** The file as `config view` shows it: known keys only, which hold no secret. */
export function viewOf(cfg: Config): Record<string, unknown> {
  const contexts: Record<string, Record<string, unknown>> = {};
  for (const [name, ctx] of Object.entries(cfg.contexts)) {
    contexts[name] = {};
    for (const [k, key] of Object.entries(KEYS)) if (ctx[key] !== undefined) contexts[name][k] = ctx[key];
  }
  return { ...(cfg.current ? { current: cfg.current } : {}), contexts };
}

export function viewText(cfg: Config): string {
  return `# ${cfg.path}\n${YAML().stringify(viewOf(cfg))}`.trimEnd();
}
