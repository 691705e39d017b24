// The messaging bus's shared rules (issue 16): the controller checks them, the
// agent and the guest agent apply the same ones before anything reaches it.

/** Short, lower-case, no path or shell meaning. */
export const TOPIC_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Topics one VM may be subscribed to (BusSubscription.topics). */
export const MAX_VM_TOPICS = 32;

/** One ordered message of a tenant's topic, as the router keeps it and a VM is handed it. */
export interface BusDelivery {
  topic: string;
  seq: number;
  payload: Buffer;
  fromVmId: string;
  fromScheme: string;
  timeUnixMs: number;
}
