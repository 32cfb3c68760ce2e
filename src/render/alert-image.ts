/**
 * The picture of a live alert (docs/alerts.md): the channel in the middle, the arriving accounts around it
 * (new accounts in the bot colour), the other channels where the graph knew them, and for a raid the
 * raiding channel. Drawn with the same layout and canvas as every graph picture (graph-layout.ts,
 * graph-image.ts); a pure function of the alert event, so any front end can draw it again.
 */
import type { AlertEvent } from '../domain/alert-event.js';
import { renderGraphImage } from './graph-image.js';
import type { GraphImageLink, GraphImageNode } from '../reply/picture.js';
import type { RenderedImage } from './rendered-image.js';

/** The nodes and links of the alert's picture (exported for tests). */
export function alertGraph(alert: AlertEvent): { nodes: GraphImageNode[]; links: GraphImageLink[] } {
  const channelId = `Stream:${alert.channel.login}`;
  const nodes = new Map<string, GraphImageNode>([
    [channelId, { id: channelId, kind: 'Stream', label: alert.channel.login, weight: alert.accountCount }],
  ]);
  const links: GraphImageLink[] = [];
  if (alert.raid !== undefined) {
    const raiderId = `Stream:${alert.raid.raider}`;
    nodes.set(raiderId, {
      id: raiderId,
      kind: 'Stream',
      label: alert.raid.raider,
      weight: alert.raid.viewers,
    });
    links.push({ source: raiderId, target: channelId });
  }
  for (const account of alert.accounts) {
    const id = `User:${account.login}`;
    nodes.set(id, { id, kind: 'User', label: account.login, bot: account.isNew });
    links.push({ source: id, target: channelId, type: 'CHATTER' });
    for (const other of account.seenIn) {
      const otherId = `Stream:${other}`;
      if (!nodes.has(otherId)) nodes.set(otherId, { id: otherId, kind: 'Stream', label: other });
      links.push({ source: id, target: otherId, type: 'CHATTER' });
    }
  }
  return { nodes: [...nodes.values()], links };
}

export async function renderAlertImage(alert: AlertEvent): Promise<RenderedImage> {
  const { nodes, links } = alertGraph(alert);
  const { png, width, height } = await renderGraphImage(
    {
      title: alert.title,
      nodes,
      links,
      centerId: `Stream:${alert.channel.login}`,
      omitted: Math.max(0, alert.accountCount - alert.accounts.length),
      caption:
        alert.kind === 'raid'
          ? 'arriving chatters and where the graph knew them'
          : 'first-time chatters (new accounts in the bot colour) and where the graph knew them',
    },
    { width: 900, height: 600, maxLabels: 40 },
  );
  return { png, width, height };
}
