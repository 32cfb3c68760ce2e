/**
 * `/overlap a [b]`: how much two channels' audiences overlap, or which channels share the most of one
 * channel's audience (with a chart). An audience is the channel's chatters.
 */
import { z } from 'zod';
import type { AudienceOverlap } from '../graph/graph-store.port.js';
import { overlapMeasures } from '../insights/audience-overlap.js';
import { formatCount } from '../reply/format.js';
import type { Picture } from '../reply/picture.js';
import { imageName } from '../reply/picture.js';
import type { Reply } from '../reply/reply.js';
import { errorReply, reply } from '../reply/reply.js';
import { defineCommand, limitArg, nameArg } from './command.js';
import { streamerNotFound } from './not-found.js';

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)}%`;

async function notFound(graph: Parameters<typeof streamerNotFound>[0], name: string): Promise<Reply> {
  return streamerNotFound(graph, 'Channel not found', name);
}

function pairReply(
  overlap: AudienceOverlap,
  otherId: string,
  otherName: string,
  otherAudience: number,
): Reply {
  const found = overlap.others.find((o) => o.channel.id === otherId);
  const m = overlapMeasures({
    sizeA: overlap.audience,
    sizeB: found?.audience ?? otherAudience,
    shared: found?.shared ?? 0,
  });
  const a = overlap.channel.displayName;
  return reply({
    title: `Audience overlap: ${a} and ${otherName}`,
    description: `${formatCount(m.shared)} chatters chat in both channels.`,
    fields: [
      { name: 'Shared chatters', value: formatCount(m.shared), inline: true },
      {
        name: `Share of ${a}'s chatters`,
        value: `${percent(m.shareOfA)} of ${formatCount(m.sizeA)}`,
        inline: true,
      },
      {
        name: `Share of ${otherName}'s chatters`,
        value: `${percent(m.shareOfB)} of ${formatCount(m.sizeB)}`,
        inline: true,
      },
      { name: 'Jaccard similarity', value: m.jaccard.toFixed(4), inline: true },
    ],
    notes: ['Jaccard = shared chatters / chatters of either channel.'],
    data: { a: overlap.channel, b: { id: otherId, displayName: otherName }, ...m },
  });
}

export const overlapCommand = defineCommand({
  definition: {
    name: 'overlap',
    description:
      'Shared chatters between two channels, or the channels sharing most of one channel’s audience',
    options: [
      {
        name: 'a',
        description: 'A streamer',
        type: 'string',
        required: true,
        maxLength: 100,
        autocomplete: 'streamer',
      },
      {
        name: 'b',
        description: 'Another streamer (leave out to list the closest channels)',
        type: 'string',
        maxLength: 100,
        autocomplete: 'streamer',
      },
      {
        name: 'limit',
        description: 'How many channels to list (1–50, default 10)',
        type: 'integer',
        minValue: 1,
        maxValue: 50,
      },
    ],
  },
  args: z.object({ a: nameArg('a'), b: nameArg('b').optional(), limit: limitArg(10) }),
  async run(args, { graph, pictures }): Promise<Reply> {
    const a = await graph.findStreamer(args.a);
    if (a === null) return notFound(graph, args.a);
    const overlap = await graph.audienceOverlap(a.id);
    if (overlap === null) return notFound(graph, args.a);
    if (args.b !== undefined) {
      const b = await graph.findStreamer(args.b);
      if (b === null) return notFound(graph, args.b);
      if (b.id === a.id)
        return errorReply(
          'Same channel twice',
          'Give two different channels, or only one to list its closest channels.',
        );
      const bOverlap = overlap.others.some((o) => o.channel.id === b.id)
        ? undefined
        : await graph.audienceOverlap(b.id);
      return pairReply(overlap, b.id, b.displayName, bOverlap?.audience ?? 0);
    }
    const rows = overlap.others.slice(0, args.limit.value).map((o) => ({
      ...o,
      ...overlapMeasures({ sizeA: overlap.audience, sizeB: o.audience, shared: o.shared }),
    }));
    const notes = args.limit.note === undefined ? [] : [args.limit.note];
    const title = `Channels sharing ${a.displayName}'s audience`;
    const data = { channel: overlap.channel, audience: overlap.audience, others: rows };
    if (rows.length === 0) {
      return reply({
        status: 'empty',
        title,
        description: `None of ${a.displayName}'s ${formatCount(overlap.audience)} chatters chat in another channel the graph knows.`,
        notes,
        data,
      });
    }
    const chart: Picture[] = [
      {
        kind: 'chart',
        name: imageName('overlap', a.login === '' ? a.id : a.login),
        description: `Bar chart: channels sharing the most chatters with ${a.displayName}.`,
        input: {
          title,
          subtitle: `Shared chatters, of ${formatCount(overlap.audience)}`,
          rows: rows.map((r) => ({
            label: r.channel.displayName,
            value: r.shared,
            valueText: `${formatCount(r.shared)} · ${percent(r.shareOfA)}`,
          })),
          kind: 'Stream',
        },
      },
    ];
    return reply({
      title,
      description: `${a.displayName} has ${formatCount(overlap.audience)} chatters; ${formatCount(overlap.others.length)} other channels share some of them.`,
      table: {
        columns: [
          { header: '#', align: 'right' },
          { header: 'Channel' },
          { header: 'Shared', align: 'right' },
          { header: `Of ${a.login}`, align: 'right' },
          { header: 'Of theirs', align: 'right' },
          { header: 'Jaccard', align: 'right' },
        ],
        rows: rows.map((r, i) => [
          String(i + 1),
          r.channel.displayName,
          formatCount(r.shared),
          percent(r.shareOfA),
          percent(r.shareOfB),
          r.jaccard.toFixed(4),
        ]),
      },
      notes,
      pictures: pictures === false ? [] : chart,
      data,
    });
  },
});
