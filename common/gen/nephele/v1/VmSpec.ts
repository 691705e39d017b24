// Original file: proto/nephele/v1/vm.proto


export interface VmSpec {
  'scheme'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number);
  'diskGib'?: (number);
  'image'?: (string);
  'appliancePort'?: (number);
  'config'?: ({[key: string]: string});
  'vmClass'?: (string);
}

export interface VmSpec__Output {
  'scheme': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'image': (string);
  'appliancePort': (number);
  'config': ({[key: string]: string});
  'vmClass': (string);
}
