/**
 * `/communities [limit]`: channels grouped by shared audience (Louvain on the channel graph weighted by
 * shared chatters; see insights/communities.ts for why that graph), as a table and a map.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type {
  AudienceQueries,
  DerivedResults,
  GraphQueries,
  SharedAudienceGraph,
  StreamerSummary,
} from '../graph/graph-store.port.js';
import type { Community, CommunityResult } from '../insights/communities.js';
import {
  COMMUNITY_SEED,
  STRONGEST_LINKS_PER_CHANNEL,
  communitiesFromKept,
  detectCommunities,
  keptCommunities,
} from '../insights/communities.js';
import { formatCount } from '../reply/format.js';
import type { CommunityMapLink, CommunityMapNode, Picture } from '../reply/picture.js';
import { imageName } from '../reply/picture.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import type { Clamped } from './command.js';
import { booleanArg, botsOf, defineCommand, excludeBotsOption, limitArg, limitOption } from './command.js';
import { emptyGraphNote } from './empty-graph.js';

/** Channels named per community in the table. */
const TOP_CHANNELS = 4;
/** Channels labelled on the map. */
const MAP_LABELS = 30;
/** Channels drawn on the map, biggest audiences first; a layout of thousands costs seconds and shows a blur. */
const MAP_MAX_CHANNELS = 300;
/** Links drawn per channel on the map: its strongest; a big graph links nearly every pair of channels. */
const MAP_LINKS_PER_CHANNEL = 6;

/** Each channel's strongest links (the union over channels), so the map shows structure, not a hairball. */
export function strongestLinks(
  pairs: SharedAudienceGraph['pairs'],
  perChannel: number,
): SharedAudienceGraph['pairs'] {
  const byChannel = new Map<string, SharedAudienceGraph['pairs']>();
  for (const pair of pairs)
    for (const end of [pair.a, pair.b]) {
      const list = byChannel.get(end) ?? [];
      list.push(pair);
      byChannel.set(end, list);
    }
  const kept = new Set<SharedAudienceGraph['pairs'][number]>();
  for (const list of byChannel.values())
    for (const pair of list.sort((x, y) => y.shared - x.shared).slice(0, perChannel)) kept.add(pair);
  return pairs.filter((pair) => kept.has(pair));
}

/**
 * The map's links: each drawn channel's strongest links among the drawn channels. Kept per input (the store
 * hands out the same shared-audience graph until the next write) and drawn set: finding them reads every
 * linked pair, 870k at 1M relationships.
 */
const mapLinksKept = new WeakMap<SharedAudienceGraph, { drawn: string; links: CommunityMapLink[] }>();
function mapLinks(input: SharedAudienceGraph, nodes: readonly CommunityMapNode[]): CommunityMapLink[] {
  const drawn = nodes.map((n) => n.id).join('\n');
  const kept = mapLinksKept.get(input);
  if (kept?.drawn === drawn) return kept.links;
  const drawnIds = new Set(nodes.map((n) => n.id));
  const mapPairs = input.pairs.filter((p) => drawnIds.has(p.a) && drawnIds.has(p.b));
  const links = strongestLinks(mapPairs, MAP_LINKS_PER_CHANNEL).map((p) => ({
    source: p.a,
    target: p.b,
    weight: p.shared,
  }));
  mapLinksKept.set(input, { drawn, links });
  return links;
}

/** The most common values among members (unknown left out), most common first, then by name. */
export function mostCommon(values: readonly (string | null)[], max: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values)
    if (value !== null && value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([value, count]) => `${value} (${count})`);
}

/** Where the communities found without `excludeLogins` are kept among a store's derived results. */
function keptName(excludeLogins: readonly string[]): string {
  if (excludeLogins.length === 0) return 'communities';
  const logins = [...new Set(excludeLogins)].sort().join('\n');
  return `communities:${createHash('sha256').update(logins).digest('hex')}`;
}

/**
 * Communities of the whole graph, with flagged bots left out unless asked otherwise. Louvain on a big graph
 * takes most of a second, so the result is kept with the graph where the store keeps derived results (also on
 * disk, for the next `ask`: docs/ARCHITECTURE.md, "Derived results"); `input` (every linked pair) is then only
 * read when a picture needs it.
 */
export async function communitiesOf(
  graph: Pick<AudienceQueries, 'sharedAudienceGraph'> &
    Pick<GraphQueries, 'streamersBy'> &
    Partial<DerivedResults>,
  excludeLogins: readonly string[],
): Promise<{
  input: () => Promise<SharedAudienceGraph>;
  result: CommunityResult;
  summaries: Map<string, StreamerSummary>;
}> {
  const input = () => graph.sharedAudienceGraph({ excludeLogins });
  const slot = await graph.derived?.(keptName(excludeLogins));
  let result = slot === undefined ? undefined : communitiesFromKept(slot.value);
  if (result === undefined) {
    result = detectCommunities(await input());
    slot?.keep(keptCommunities(result));
  }
  const summaries = new Map(
    (await graph.streamersBy({ language: null, game: null })).map((s) => [s.id, s] as const),
  );
  return { input, result, summaries };
}

const signed = (value: number) => (value >= 0 ? '' : '−') + Math.abs(value).toFixed(3);

export function communityRow(
  community: Community,
  summaries: ReadonlyMap<string, StreamerSummary>,
): string[] {
  const members = community.channels.map((c) => summaries.get(c.channel.id));
  return [
    String(community.id),
    formatCount(community.channels.length),
    community.channels
      .slice(0, TOP_CHANNELS)
      .map((c) => c.channel.login || c.channel.displayName)
      .join(', ') + (community.channels.length > TOP_CHANNELS ? ', …' : ''),
    mostCommon(
      members.map((s) => s?.language ?? null),
      2,
    ).join(', ') || 'unknown',
    mostCommon(
      members.map((s) => s?.game ?? null),
      2,
    ).join(', ') || 'unknown',
    signed(community.modularity),
  ];
}

export const communitiesCommand = defineCommand({
  definition: {
    name: 'communities',
    description: 'Communities of channels by shared audience (Louvain), as a table and a map',
    options: [limitOption('How many communities to list (1–25, default 10)', 25), excludeBotsOption(true)],
  },
  args: z.object({ limit: limitArg(10, 25), exclude_bots: booleanArg(true) }),
  async run(args: { limit: Clamped; exclude_bots: boolean }, ports): Promise<Reply> {
    const { graph } = ports;
    const excluded = args.exclude_bots ? await botsOf(ports).logins() : [];
    const { input, result, summaries } = await communitiesOf(graph, excluded);
    const notes: string[] = [];
    if (args.limit.note !== undefined) notes.push(args.limit.note);
    if (result.communities.length === 0) {
      const empty = await emptyGraphNote(graph);
      return reply({
        status: 'empty',
        title: 'Communities',
        description: 'No two channels share a chatter, so there are no communities to find.',
        notes: empty === undefined ? notes : [...notes, empty],
      });
    }
    const shown = result.communities.slice(0, args.limit.value);
    const channelCount = result.communities.reduce((sum, c) => sum + c.channels.length, 0);
    notes.push(
      `Louvain (seed ${COMMUNITY_SEED}) on ${formatCount(channelCount)} channels linked by ` +
        `${formatCount(result.totalWeight)} shared chatters; modularity ${result.modularity.toFixed(3)} ` +
        '(each row: its share of it).',
    );
    if (result.links.kept < result.links.of)
      notes.push(
        `A big channel graph: Louvain ran on each channel's ${STRONGEST_LINKS_PER_CHANNEL} strongest links ` +
          `(${formatCount(result.links.kept)} of ${formatCount(result.links.of)} linked pairs).`,
      );
    if (result.communities.length > shown.length)
      notes.push(`${result.communities.length - shown.length} smaller communities not listed.`);
    if (result.unconnected.length > 0)
      notes.push(
        `${formatCount(result.unconnected.length)} channels share no chatter with any other and are left out.`,
      );
    if (excluded.length > 0)
      notes.push(
        `The ${formatCount(excluded.length)} accounts flagged as bots are not counted (exclude_bots:true).`,
      );

    const legend = new Map(
      shown.map((c) => [
        c.id,
        `${c.id} · ${c.channels
          .slice(0, 2)
          .map((m) => m.channel.login || m.channel.displayName)
          .join(', ')}${c.channels.length > 2 ? '…' : ''} (${c.channels.length})`,
      ]),
    );
    if (result.communities.length > shown.length) legend.set(0, 'other communities');
    const allNodes: CommunityMapNode[] = result.communities.flatMap((c) =>
      c.channels.map((m) => ({
        id: m.channel.id,
        label: m.channel.login || m.channel.displayName,
        community: c.id <= shown.length ? c.id : 0,
        audience: m.audience,
      })),
    );
    const nodes = [...allNodes]
      .sort((a, b) => b.audience - a.audience || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, MAP_MAX_CHANNELS);
    const links = ports.pictures === false ? [] : mapLinks(await input(), nodes);
    const leftOff = allNodes.length - nodes.length;
    const map: Picture[] = [
      {
        kind: 'communityMap',
        name: imageName('communities'),
        description:
          `Map of ${formatCount(channelCount)} channels coloured by ${result.communities.length} communities, ` +
          'sized by audience, linked by shared chatters.',
        input: {
          title: `Communities by shared audience (modularity ${result.modularity.toFixed(3)})`,
          nodes,
          links,
          legend: [...legend],
          footer:
            `Node size: chatters · link width: shared chatters (each channel's ${MAP_LINKS_PER_CHANNEL} strongest links) · ` +
            `${Math.min(MAP_LABELS, nodes.length)} biggest channels labelled` +
            (leftOff > 0
              ? ` · ${formatCount(nodes.length)} biggest of ${formatCount(allNodes.length)} channels drawn`
              : ''),
        },
        layout: { maxLabels: MAP_LABELS },
      },
    ];
    return reply({
      title: 'Communities by shared audience',
      description: `${result.communities.length} communities among ${formatCount(channelCount)} channels.`,
      table: {
        columns: [
          { header: '#', align: 'right' },
          { header: 'Channels', align: 'right' },
          { header: 'Top channels' },
          { header: 'Languages' },
          { header: 'Games' },
          { header: 'Modularity', align: 'right' },
        ],
        rows: shown.map((c) => communityRow(c, summaries)),
      },
      pictures: ports.pictures === false ? [] : map,
      notes,
      data: {
        modularity: result.modularity,
        seed: COMMUNITY_SEED,
        communities: result.communities.map((c) => ({
          id: c.id,
          modularity: c.modularity,
          audience: c.audience,
          channels: c.channels.map((m) => ({ ...m.channel, audience: m.audience })),
        })),
        unconnected: result.unconnected.map((c) => c.channel.login || c.channel.id),
        excludedBots: excluded.length,
      },
    });
  },
});
