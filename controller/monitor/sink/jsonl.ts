// The JSON Lines sink: appliances.jsonl and actions.jsonl under a directory,
// appended and fsynced per write. A replay after a failure appends the same
// lines again, so a reader takes, per key, the line with the highest seq
// (equal seqs are the same content): readJsonl() does exactly that.
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { MirrorEntry, MonitorSink } from '../ports.js';
import { keyOf, newestByKey } from './keyed.js';

const FILES = { appliances: 'appliances.jsonl', actions: 'actions.jsonl' } as const;

/** One line: the key, the backlog seq and the record. */
export interface JsonlLine {
  key: string;
  seq: number;
  record: unknown;
  /** The VM went away: this is its row's last state. */
  removedUnixMs?: number;
}

export class JsonlSink implements MonitorSink {
  readonly name = 'jsonl';
  private files: { appliances: FileHandle; actions: FileHandle } | undefined;
  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    if (this.files) return;
    await mkdir(this.dir, { recursive: true });
    const appliances = await open(join(this.dir, FILES.appliances), 'a');
    const actions = await open(join(this.dir, FILES.actions), 'a').catch(async (e: unknown) => {
      await appliances.close();
      throw e;
    });
    this.files = { appliances, actions };
  }

  async write(entries: MirrorEntry[]): Promise<void> {
    if (!this.files) await this.open();
    const f = this.files as NonNullable<typeof this.files>;
    const by = newestByKey(entries);
    for (const kind of ['appliances', 'actions'] as const) {
      if (by[kind].length === 0) continue;
      const text = by[kind].map((e) => JSON.stringify(lineOf(e)) + '\n').join('');
      await f[kind].appendFile(text);
      await f[kind].sync();
    }
  }

  async close(): Promise<void> {
    const f = this.files;
    this.files = undefined;
    await f?.appliances.close();
    await f?.actions.close();
  }
}

const lineOf = (e: MirrorEntry): JsonlLine => ({
  key: keyOf(e),
  seq: e.seq,
  record: e.item.kind === 'appliance' ? e.item.row : e.item.action,
  ...(e.item.kind === 'appliance' && e.item.removedUnixMs ? { removedUnixMs: e.item.removedUnixMs } : {}),
});

/** What a reader of the files sees: per key the record of the highest seq (a torn last line is skipped). */
export async function readJsonl(dir: string, kind: keyof typeof FILES): Promise<Map<string, JsonlLine>> {
  const out = new Map<string, JsonlLine>();
  const text = await readFile(join(dir, FILES[kind]), 'utf8').catch(() => '');
  for (const l of text.split('\n')) {
    if (!l) continue;
    let line: JsonlLine;
    try {
      line = JSON.parse(l) as JsonlLine;
    } catch {
      continue;
    }
    const cur = out.get(line.key);
    if (!cur || cur.seq <= line.seq) out.set(line.key, line);
  }
  return out;
}
