// Logic in the controller and the agent decides on our own model names
// ('running', 'guaranteed'), never on proto enum names: a rename that is safe on
// the wire must not change a decision or a stored record. Proto names may
// appear only at the edges listed here, where messages are built or read.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/procs.js';

const EDGES = new Set([
  'common/grpc/convert.ts', // the converter tables
]);
const EDGE_DIRS = ['controller/cli/']; // the CLI talks the wire API only

const ENUM_NAME =
  /['"`](VM_STATE|DESIRED_VM_STATE|SLA|HOST_STATE|HOST_KIND|HOST_VIEW|OWNER_STATE|TOKEN_KIND|VM_SET_STATE|PLACEMENT_STRATEGY|SET_AFFINITY)_[A-Z_]+['"`]/g;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'gen' && name !== 'node_modules') yield* sources(p);
    } else if (name.endsWith('.ts')) yield p;
  }
}

t.test('no proto enum name drives logic outside the edges', async (t) => {
  const found: string[] = [];
  for (const top of ['controller', 'agent', 'common']) {
    for (const file of sources(join(ROOT, top))) {
      const rel = relative(ROOT, file);
      if (EDGES.has(rel) || EDGE_DIRS.some((d) => rel.startsWith(d))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(ENUM_NAME)) found.push(`${rel}:${i + 1} ${m[0]}`);
        });
    }
  }
  t.same(found, [], 'proto enum names only in common/grpc/convert.ts and the CLI');
});
