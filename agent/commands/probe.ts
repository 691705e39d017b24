// The update cycle's health gate: one HTTP GET of a VM's appliance on its host
// port (127.0.0.1), with a deadline and at most PROBE_BODY_MAX bytes of the
// answer read.
import { request } from 'node:http';
import { CONTROL_CHARS_RE } from '../../common/validate.js';

export const PROBE_BODY_MAX = 4096;
export const PROBE_TIMEOUT_DEFAULT_MS = 5_000;
export const PROBE_TIMEOUT_MAX_MS = 60_000;
const PATH_MAX = 512;

export interface ProbeAnswer {
  ok: boolean;
  httpStatus: number;
  /** The answer's first bytes (printable), or why there was none. */
  detail: string;
  error: string;
}

/** The request path, checked: absolute, printable, no spaces; '' means '/'. */
export function probePath(path: string): string {
  const p = path || '/';
  if (!p.startsWith('/') || p.length > PATH_MAX || /\s/.test(p) || CONTROL_CHARS_RE.test(p))
    throw new Error(`probe.path must start with / and be at most ${PATH_MAX} printable characters without spaces`);
  return p;
}

export function probeTimeout(ms: number): number {
  if (!ms) return PROBE_TIMEOUT_DEFAULT_MS;
  return Math.min(Math.max(ms, 100), PROBE_TIMEOUT_MAX_MS);
}

/** ok: a 2xx answer whose (first 4 KiB of) body contains `expect` ('' = any). Never throws. */
export function probe(port: number, path: string, expect: string, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: ProbeAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(a);
    };
    const fail = (error: string, httpStatus = 0) => finish({ ok: false, httpStatus, detail: '', error });
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      const end = () => {
        const body = Buffer.concat(chunks).subarray(0, PROBE_BODY_MAX).toString('utf8');
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300 && (expect === '' || body.includes(expect));
        const detail = body.replace(/[^\x20-\x7e]/g, ' ').slice(0, 256);
        const error = ok ? '' : status < 200 || status >= 300 ? `http status ${status}` : 'expected text not found';
        finish({ ok, httpStatus: status, detail, error });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        if (n >= PROBE_BODY_MAX) end(); // the rest is not read
      });
      res.on('end', end);
      res.on('error', (e) => fail(e.message, res.statusCode ?? 0));
    });
    req.on('error', (e) => fail(e.message));
    req.end();
  });
}
