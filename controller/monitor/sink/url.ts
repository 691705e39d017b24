// The --monitor-store URL: where the external appliance store lives. A password
// in it must never reach a log line, an error or an event: everything that
// shows the URL or an error about it goes through redact().
import { resolve } from 'node:path';

export type StoreUrl = { kind: 'postgres'; url: string } | { kind: 'jsonl'; dir: string };

const PG_RE = /^postgres(ql)?:\/\//i;

/** Parses `postgres://…` or `jsonl:<dir>`; throws naming the flag (the URL shown redacted). */
export function parseStoreUrl(raw: string, flag = '--monitor-store'): StoreUrl {
  const s = raw.trim();
  if (PG_RE.test(s)) {
    try {
      // An empty host (a Unix socket given as ?host=/dir) is valid for pg, not for URL: fill one in.
      new URL(s.replace(/^(postgres(?:ql)?:\/\/(?:[^@/?]*@)?)(?=[/?]|$)/i, '$1localhost'));
    } catch {
      throw new Error(`${flag}: not a valid PostgreSQL URL (${redactUrl(s)})`);
    }
    return { kind: 'postgres', url: s };
  }
  if (s.startsWith('jsonl:') && s.length > 'jsonl:'.length) return { kind: 'jsonl', dir: resolve(s.slice(6)) };
  throw new Error(`${flag} must be postgres://… or jsonl:<dir> (got ${redactUrl(s)})`);
}

/** The password of a URL, if it has one ('' otherwise). */
function passwordOf(url: string): string {
  try {
    const u = new URL(url);
    const q = u.searchParams.get('password') ?? '';
    return decodeURIComponent(u.password) || q;
  } catch {
    // Not parseable as a URL: take what sits between "user:" and "@".
    return /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(url)?.[1] ?? '';
  }
}

/** The URL with its password replaced by ***. */
export function redactUrl(url: string): string {
  const pw = passwordOf(url);
  let out = url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
  if (pw) out = out.split(pw).join('***');
  return out;
}

/** An error's message with any trace of the URL's password removed (drivers may echo the URL). */
export function redactError(e: unknown, url: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pw = passwordOf(url);
  let out = msg.split(url).join(redactUrl(url));
  if (pw) {
    out = out.split(pw).join('***');
    const enc = encodeURIComponent(pw);
    if (enc !== pw) out = out.split(enc).join('***');
  }
  return out.slice(0, 500);
}
