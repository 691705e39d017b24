import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, protoFiles } from '../../common/grpc/load.js';

let def: protoLoader.PackageDefinition | undefined;
/** proto-loader's definition of our protos (every service and type), as a reference for tests. */
export function protoLoaderDefinition(): protoLoader.PackageDefinition {
  if (!def) {
    const { root, files } = protoFiles();
    def = protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs: [root] });
  }
  return def;
}
