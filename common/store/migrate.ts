import type { Migration, Store } from './types.js';

export const META = 'meta';
export const SCHEMA_KEY = 'schema_version';

/** Runs migrations newer than the stored schema version, in order, recording each. */
export async function runMigrations(store: Store, migrations: Migration[]): Promise<number> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const cur = await store.get<{ version: number; history: { version: number; name: string; at: string }[] }>(
    META,
    SCHEMA_KEY,
  );
  let version = cur?.value.version ?? 0;
  const history = cur?.value.history ?? [];
  let storeVersion = cur?.version ?? 0;
  for (const m of sorted) {
    if (m.version <= version) continue;
    await m.up(store);
    version = m.version;
    history.push({ version: m.version, name: m.name, at: new Date().toISOString() });
    const w = await store.batch(
      [{ type: 'put', coll: META, key: SCHEMA_KEY, value: { version, history } }],
      [{ coll: META, key: SCHEMA_KEY, version: storeVersion }],
    );
    storeVersion = w.get(`${META}/${SCHEMA_KEY}`)!;
  }
  return version;
}
