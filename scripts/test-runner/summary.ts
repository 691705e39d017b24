// What one test file's run amounts to, from its exit and its own TAP output.
// A tap test file run directly (`node x.test.js`) ends its stream with its
// root's summary comment, e.g. `# { total: 19, pass: 19 }`, counting every
// assertion including subtests'; zero counts are left out.

export interface Counts {
  total: number;
  pass: number;
  fail: number;
  skip: number;
  todo: number;
}

export const zero = (): Counts => ({ total: 0, pass: 0, fail: 0, skip: 0, todo: 0 });

const SUMMARY_RE = /^# \{ total: \d+(?:, [a-z]+: \d+)* \}$/;

/** The last unindented summary comment of a TAP stream (subtests' are indented), or undefined. */
export function parseSummary(output: string): Counts | undefined {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trimEnd();
    if (!SUMMARY_RE.test(line)) continue;
    const c = zero();
    for (const m of line.matchAll(/([a-z]+): (\d+)/g)) {
      const k = m[1] as keyof Counts;
      if (k in c) c[k] = Number(m[2]);
    }
    return c;
  }
  return undefined;
}

export interface Ending {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
}

export interface Verdict {
  ok: boolean;
  counts: Counts;
  /** Why the file failed beyond its own failed assertions ('' when it did not). */
  reason: string;
}

/**
 * A file passes when it exited 0 on its own and reported a summary without
 * failures. A file that crashed, timed out or ended without a summary counts
 * as one failure more than it reported, so a broken file is never silent.
 */
export function verdict(output: string, end: Ending): Verdict {
  const reported = parseSummary(output);
  const counts = reported ?? zero();
  let reason = '';
  if (end.timedOut) reason = 'timed out';
  else if (end.signal) reason = `killed by ${end.signal}`;
  else if (end.code !== 0) reason = `exited ${end.code}`;
  else if (!reported) reason = 'ended without a summary';
  if (reason && counts.fail === 0) {
    counts.fail = 1;
    counts.total += 1;
  }
  return { ok: !reason && counts.fail === 0, counts, reason };
}

export function add(a: Counts, b: Counts): Counts {
  return {
    total: a.total + b.total,
    pass: a.pass + b.pass,
    fail: a.fail + b.fail,
    skip: a.skip + b.skip,
    todo: a.todo + b.todo,
  };
}

/** tap's own format: zero counts other than total left out. */
export function formatSummary(c: Counts): string {
  const parts = [`total: ${c.total}`];
  for (const k of ['pass', 'fail', 'skip', 'todo'] as const) if (c[k]) parts.push(`${k}: ${c[k]}`);
  return `# { ${parts.join(', ')} }`;
}

/**
 * The failed tests of one file's TAP output, one line each, indented by depth
 * and followed by where the failure was raised when tap said so: CI shows the
 * tail of a long log, so the runner repeats these at the end.
 */
export function failedTests(output: string, max = 30): string[] {
  const lines = output.split('\n');
  const out: string[] = [];
  let more = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^( *)not ok \d+ - (.*?)(?: # time=[\d.]+m?s)?$/.exec(lines[i]!);
    if (!m) continue;
    if (out.length >= max) {
      more++;
      continue;
    }
    const depth = m[1]!.length / 4;
    let where = '';
    // The YAML diagnostic under it, if any: `at:` then fileName/lineNumber.
    if (lines[i + 1]?.trim() === '---') {
      let file = '';
      let line = '';
      for (let j = i + 2; j < lines.length && lines[j]!.trim() !== '...'; j++) {
        const f = /^\s*fileName: (.+)$/.exec(lines[j]!);
        const l = /^\s*lineNumber: (\d+)$/.exec(lines[j]!);
        if (f && !file) file = f[1]!;
        if (l && !line) line = l[1]!;
      }
      if (file) where = ` (${file}${line ? `:${line}` : ''})`;
    }
    out.push(`${'  '.repeat(depth)}not ok - ${m[2]}${where}`);
  }
  if (more) out.push(`... and ${more} more`);
  return out;
}
