import { request } from 'node:http';

/** A Prometheus text exposition, read: sample values by series, and the metric names it declares. */
export interface Exposition {
  /** `name` or `name{a="x",b="y"}` (labels as printed) → value. */
  samples: Map<string, number>;
  /** Names from the `# TYPE` lines (a labelled metric with no samples yet still declares itself). */
  names: Set<string>;
  /** The value of `name` with these labels (in any order), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

export function parseExposition(text: string): Exposition {
  const samples = new Map<string, number>();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) \S+$/.exec(line);
    if (type) names.add(type[1]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    samples.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  const value = (name: string, labels: Record<string, string> = {}) => {
    const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    for (const [series, v] of samples) {
      const m = /^([^{]+)(?:\{(.*)\})?$/.exec(series)!;
      if (m[1] !== name) continue;
      const have = m[2] ? m[2].split(/,(?=[a-zA-Z_]+=")/) : [];
      if (have.length === want.length && want.every((w) => have.includes(w))) return v;
    }
    return undefined;
  };
  return { samples, names, value };
}

/** GET over plain HTTP: status, content type and body. */
export function httpRequest(
  address: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const [host, port] = [
      address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'),
      Number(/:(\d+)$/.exec(address)![1]),
    ];
    const req = request({ host, port, path, method, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function scrape(address: string): Promise<Exposition> {
  const r = await httpRequest(address, '/metrics');
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status}`);
  return parseExposition(r.body);
}
