/**
 * Communities of channels by shared audience: Louvain (graphology-communities-louvain) on the channel
 * graph, where two channels are linked when chatters chat in both, weighted by how many do.
 *
 * Why the channel graph and not the chat graph itself: the question is which channels belong together, and
 * on the bipartite chat graph (chatters → channels) Louvain spends nearly all its work placing tens of
 * thousands of one-channel chatters, each of which can only join its one channel's community. Folding
 * chatters into weights keeps exactly the signal that links channels (a chatter seen in both), gives a
 * graph of channels (57 for the demo data) that Louvain settles in milliseconds, and answers the same on
 * every backend because every backend hands over the same input (`GraphStore.sharedAudienceGraph`).
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import type Graphology from 'graphology';
import type louvainModule from 'graphology-communities-louvain';
import type { ChannelAudience, SharedAudienceGraph } from '../graph/graph-store.port.js';
import { compareNames } from '../graph/graph-order.js';
import { seededRandom } from '../util/seeded-random.js';

/**
 * graphology and Louvain are loaded on the first detection, not with every command: a cold `twitchgraph
 * ask` of a question that never groups channels skips them (docs/ARCHITECTURE.md, "A cold `ask`"). Both
 * packages are CommonJS (`module.exports = louvain`, typed as an ES default export), so `require` loads
 * them synchronously.
 */
function louvainLibrary() {
  const require = createRequire(import.meta.url);
  return {
    UndirectedGraph: (require('graphology') as typeof Graphology).UndirectedGraph,
    louvain: require('graphology-communities-louvain') as typeof louvainModule.default,
  };
}

/** Louvain's random visiting order is drawn from this seed, so the same graph gives the same answer. */
export const COMMUNITY_SEED = 15;

/**
 * Above this many linked pairs, each channel keeps only its strongest links for Louvain. A 1M-relationship
 * store links 2,000 channels by 600k–900k pairs, most of them a chatter or two; Louvain on all of them takes
 * seconds (issue 15: the first `/communities` 7–16 s), and the weak links barely move the partition. Below it
 * (the demo's 397 pairs) nothing is dropped.
 */
export const STRONGEST_LINKS_ABOVE = 100_000;
/** Links each channel keeps when the graph is pruned: a pair stays when it is among either end's strongest. */
export const STRONGEST_LINKS_PER_CHANNEL = 50;

export interface Community {
  /** 1 = the community with the largest audience, and so on. */
  id: number;
  /** Members, largest audience first (then by login). */
  channels: ChannelAudience[];
  /** Sum of the members' audiences (a chatter of two members counts twice). */
  audience: number;
  /** This community's term of the modularity sum: internal weight share minus its expected share. */
  modularity: number;
}

export interface CommunityResult {
  communities: Community[];
  /** Modularity of the whole partition (weighted, resolution 1). */
  modularity: number;
  /** Community id by channel id, for channels that share audience with another. */
  communityOf: Map<string, number>;
  /** Channels that share no chatter with any other: left out of the communities. */
  unconnected: ChannelAudience[];
  /** Total shared-chatter weight (sum over the pairs Louvain ran on). */
  totalWeight: number;
  /** Linked pairs Louvain ran on, and how many the input had (fewer when pruned, see STRONGEST_LINKS_ABOVE). */
  links: { kept: number; of: number };
}

/**
 * The pairs Louvain runs on: all of them, or on a big graph those among the `perChannel` strongest links of
 * either end (ties at the cut kept, so the result does not depend on the order pairs come in).
 */
export function strongestLinks(
  pairs: SharedAudienceGraph['pairs'],
  perChannel = STRONGEST_LINKS_PER_CHANNEL,
): SharedAudienceGraph['pairs'] {
  if (pairs.length <= STRONGEST_LINKS_ABOVE) return pairs;
  const weights = new Map<string, number[]>();
  for (const { a, b, shared } of pairs) {
    for (const end of [a, b]) {
      const list = weights.get(end);
      if (list === undefined) weights.set(end, [shared]);
      else list.push(shared);
    }
  }
  const cut = new Map<string, number>();
  for (const [channel, list] of weights) {
    list.sort((x, y) => y - x);
    cut.set(channel, list[Math.min(perChannel, list.length) - 1] ?? 0);
  }
  return pairs.filter(
    ({ a, b, shared }) => shared >= (cut.get(a) ?? Infinity) || shared >= (cut.get(b) ?? Infinity),
  );
}

const channelAudienceSchema = z.object({
  channel: z.object({ id: z.string(), login: z.string(), displayName: z.string() }),
  audience: z.number(),
});

/** A `CommunityResult` as kept among a store's derived results (JSON: `communityOf` is rebuilt). */
const keptCommunitiesSchema = z.object({
  seed: z.number(),
  communities: z.array(
    z.object({
      id: z.number().int(),
      channels: z.array(channelAudienceSchema),
      audience: z.number(),
      modularity: z.number(),
    }),
  ),
  modularity: z.number(),
  unconnected: z.array(channelAudienceSchema),
  totalWeight: z.number(),
  links: z.object({ kept: z.number(), of: z.number() }),
});

/** What of `result` is kept between processes (docs/ARCHITECTURE.md, "Derived results"). */
export function keptCommunities(result: CommunityResult, seed = COMMUNITY_SEED): unknown {
  const { communities, modularity, unconnected, totalWeight, links } = result;
  return { seed, communities, modularity, unconnected, totalWeight, links };
}

/** The result a kept value holds, or undefined when it is not one (another seed, another build's shape). */
export function communitiesFromKept(value: unknown, seed = COMMUNITY_SEED): CommunityResult | undefined {
  const known = typeof value === 'object' && value !== null ? fromKept.get(value) : undefined;
  if (known !== undefined && known.seed === seed) return known.result;
  const result = parseKept(value, seed);
  if (result !== undefined && typeof value === 'object' && value !== null)
    fromKept.set(value, { seed, result });
  return result;
}

/** Kept values already read, so a store handing out the same one is not parsed again per question. */
const fromKept = new WeakMap<object, { seed: number; result: CommunityResult }>();

function parseKept(value: unknown, seed: number): CommunityResult | undefined {
  const kept = keptCommunitiesSchema.safeParse(value);
  if (!kept.success || kept.data.seed !== seed) return undefined;
  const { communities, modularity, unconnected, totalWeight, links } = kept.data;
  const communityOf = new Map<string, number>();
  for (const community of communities)
    for (const member of community.channels) communityOf.set(member.channel.id, community.id);
  return { communities, modularity, communityOf, unconnected, totalWeight, links };
}

const byAudience = (a: ChannelAudience, b: ChannelAudience): number =>
  b.audience - a.audience ||
  compareNames(a.channel.login, b.channel.login) ||
  compareNames(a.channel.id, b.channel.id);

/**
 * Louvain on `input`. A store that keeps derived results keeps the answer until the next write
 * (`communitiesOf` in commands/communities.command.ts), so it is not remembered here.
 */
export function detectCommunities(input: SharedAudienceGraph, seed = COMMUNITY_SEED): CommunityResult {
  const { UndirectedGraph, louvain } = louvainLibrary();
  const graph = new UndirectedGraph<Record<string, never>, { weight: number }>();
  const byId = new Map(input.channels.map((c) => [c.channel.id, c]));
  const pairs = strongestLinks(input.pairs);
  const links = { kept: pairs.length, of: input.pairs.length };
  // Nodes are added in the store's order (by id), so Louvain sees the same graph on every backend.
  const linked = new Set<string>();
  for (const pair of pairs) {
    if (pair.shared <= 0 || pair.a === pair.b) continue;
    linked.add(pair.a);
    linked.add(pair.b);
  }
  for (const c of input.channels) if (linked.has(c.channel.id)) graph.addNode(c.channel.id);
  let totalWeight = 0;
  for (const pair of pairs) {
    if (pair.shared <= 0 || pair.a === pair.b || !graph.hasNode(pair.a) || !graph.hasNode(pair.b)) continue;
    graph.mergeEdge(pair.a, pair.b, { weight: pair.shared });
    totalWeight += pair.shared;
  }
  const unconnected = input.channels.filter((c) => !graph.hasNode(c.channel.id)).sort(byAudience);
  if (graph.order === 0)
    return { communities: [], modularity: 0, communityOf: new Map(), unconnected, totalWeight, links };

  const found = louvain.detailed(graph, { getEdgeWeight: 'weight', rng: seededRandom(seed) });
  const groups = new Map<number, ChannelAudience[]>();
  for (const [id, community] of Object.entries(found.communities)) {
    const channel = byId.get(id);
    if (channel === undefined) continue;
    const members = groups.get(community) ?? [];
    members.push(channel);
    groups.set(community, members);
  }
  // Internal weight and weighted degree per raw community, for each community's modularity term.
  const internal = new Map<number, number>();
  const degree = new Map<number, number>();
  graph.forEachEdge((_edge, attrs, source, target) => {
    const cs = found.communities[source] as number;
    const ct = found.communities[target] as number;
    if (cs === ct) internal.set(cs, (internal.get(cs) ?? 0) + attrs.weight);
    degree.set(cs, (degree.get(cs) ?? 0) + attrs.weight);
    degree.set(ct, (degree.get(ct) ?? 0) + attrs.weight);
  });
  const m = totalWeight;
  const communities = [...groups].map(([raw, members]) => {
    members.sort(byAudience);
    const d = degree.get(raw) ?? 0;
    return {
      raw,
      channels: members,
      audience: members.reduce((sum, c) => sum + c.audience, 0),
      modularity: m === 0 ? 0 : (internal.get(raw) ?? 0) / m - (d / (2 * m)) ** 2,
    };
  });
  // Numbered by audience, then by the login of the largest member: ids do not depend on Louvain's labels.
  communities.sort(
    (a, b) =>
      b.audience - a.audience ||
      compareNames(a.channels[0]?.channel.login ?? '', b.channels[0]?.channel.login ?? ''),
  );
  const communityOf = new Map<string, number>();
  const numbered: Community[] = communities.map((c, i) => {
    for (const member of c.channels) communityOf.set(member.channel.id, i + 1);
    return { id: i + 1, channels: c.channels, audience: c.audience, modularity: c.modularity };
  });
  return {
    communities: numbered,
    modularity: numbered.reduce((sum, c) => sum + c.modularity, 0),
    communityOf,
    unconnected,
    totalWeight,
    links,
  };
}
