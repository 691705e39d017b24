// Checks a process's log stream line by line: the rules of issue 11, item 7.

/** Keys pino writes itself, and the fields of a serialized error (anything under `err`). */
const PINO_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err']);
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/**
 * Keys that appear twice in one object of a raw JSON text (JSON.parse keeps the
 * last one silently), as `path.key`. Assumes the text is valid JSON.
 */
export function duplicateKeys(raw: string): string[] {
  const dups: string[] = [];
  const stack: { keys: Set<string>; path: string; isObject: boolean }[] = [];
  let pendingKey = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"') {
      let j = i + 1;
      while (raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
      const str = JSON.parse(raw.slice(i, j + 1)) as string;
      let k = j + 1;
      while (/\s/.test(raw[k] ?? '')) k++;
      const top = stack.at(-1);
      if (raw[k] === ':' && top?.isObject) {
        if (top.keys.has(str)) dups.push(top.path + str);
        top.keys.add(str);
        pendingKey = str;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const top = stack.at(-1);
      const path = top ? `${top.path}${top.isObject ? pendingKey : '[]'}.` : '';
      stack.push({ keys: new Set(), path, isObject: c === '{' });
    } else if (c === '}' || c === ']') stack.pop();
  }
  return dups;
}

export interface LineProblem {
  line: string;
  problem: string;
}

/** Top-level and nested keys of a parsed line, as `a.b` paths with the JS type of each value. */
function* fields(o: Record<string, unknown>, prefix = ''): Generator<[string, string, string]> {
  for (const [k, v] of Object.entries(o)) {
    const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    yield [k, prefix + k, type];
    if (type === 'object' && !(prefix === '' && k === 'err'))
      yield* fields(v as Record<string, unknown>, `${prefix}${k}.`);
  }
}

/**
 * Every rule for every line: JSON, a numeric level and a time, snake_case keys
 * (pino's own and an error's fields aside), no key twice, one JS type per key
 * path across all lines (`types` is shared between calls to compare streams).
 */
export function logProblems(text: string, types = new Map<string, string>()): LineProblem[] {
  const problems: LineProblem[] = [];
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const bad = (problem: string) => problems.push({ line, problem });
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      bad('not JSON');
      continue;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      bad('not a JSON object');
      continue;
    }
    if (typeof o.level !== 'number') bad('no numeric level');
    if (o.time === undefined || Number.isNaN(new Date(o.time as string | number).getTime())) bad('no valid time');
    for (const d of duplicateKeys(line)) bad(`key ${d} twice`);
    if (o.log_key_problems) bad(`the logger flagged ${JSON.stringify(o.log_key_problems)}`);
    for (const [key, path, type] of fields(o)) {
      if (!SNAKE.test(key) && !PINO_KEYS.has(key)) bad(`key ${path} is not snake_case`);
      const seen = types.get(path);
      if (seen === undefined || seen === 'null') types.set(path, type);
      else if (seen !== type && type !== 'undefined' && type !== 'null')
        bad(`key ${path} is a ${type} here, a ${seen} elsewhere`);
    }
  }
  return problems;
}

/** Parsed lines of a stream that is known to be clean JSON lines. */
export function parsedLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
