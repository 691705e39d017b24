// scheme.proto / agent.proto bus messages at the edge (issue 16): our model types in, wire types out.
import type { BusDelivery } from '../bus.js';
import type { BusMessage } from '../gen/nephele/v1/BusMessage.js';

/** A bus message's wire fields (BusMessage to API subscribers; BusDeliver adds the VM ids). */
export function busMessageToProto(m: BusDelivery): BusMessage {
  return {
    topic: m.topic,
    seq: m.seq,
    payload: m.payload,
    fromVmId: m.fromVmId,
    fromScheme: m.fromScheme,
    timeUnixMs: m.timeUnixMs,
  };
}
