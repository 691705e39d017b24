/** How many of a host's recent outbox epochs the controller remembers. */
export const KEPT_EPOCHS = 8;

/** A host's recent outbox epochs with the highest seq stored from each, oldest first. */
export type OutboxEpochs = { epoch: string; seq: number }[];

/**
 * The host's outbox epochs after storing report `seq` of `epoch`: that epoch
 * moves to the end with its new highest seq, the oldest fall off. An agent
 * restored from a backup learns from this list which of its buffered entries
 * were delivered before (agent/outbox.ts reconcile).
 */
export function noteEpoch(list: OutboxEpochs | undefined, epoch: string | undefined, seq: number): OutboxEpochs {
  const rest = (list ?? []).filter((e) => e.epoch !== epoch);
  if (!epoch) return rest; // an agent from before epochs
  return [...rest, { epoch, seq }].slice(-KEPT_EPOCHS);
}
