/**
 * How much two channels' audiences overlap. An audience is everyone who chats in the channel (the seed's
 * chatter lists, or message authors from live chat).
 */

export interface OverlapCounts {
  /** Chatters of each channel, and those in both. */
  sizeA: number;
  sizeB: number;
  shared: number;
}

export interface OverlapMeasures extends OverlapCounts {
  /** Share of A's audience that also chats in B, and the other way round. */
  shareOfA: number;
  shareOfB: number;
  /** |A ∩ B| / |A ∪ B|. */
  jaccard: number;
}

export function overlapMeasures(counts: OverlapCounts): OverlapMeasures {
  const union = counts.sizeA + counts.sizeB - counts.shared;
  return {
    ...counts,
    shareOfA: counts.sizeA === 0 ? 0 : counts.shared / counts.sizeA,
    shareOfB: counts.sizeB === 0 ? 0 : counts.shared / counts.sizeB,
    jaccard: union === 0 ? 0 : counts.shared / union,
  };
}
