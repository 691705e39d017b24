import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from '../../common/grpc/load.js';

// proto-loader over the .proto files themselves: the reference the generated
// descriptors (what every process loads) are checked against. Only tests read proto/ at run time.

let def: protoLoader.PackageDefinition | undefined;
/** proto-loader's definition of our protos (every service and type), as a reference for tests. */
export function protoLoaderDefinition(): protoLoader.PackageDefinition {
  if (!def) {
    const root = fileURLToPath(new URL('../../../proto', import.meta.url)); // from dist/test/helpers
    const files = readdirSync(join(root, 'nephele', 'v1'))
      .filter((f) => f.endsWith('.proto'))
      .map((f) => `nephele/v1/${f}`);
    def = protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs: [root] });
  }
  return def;
}
