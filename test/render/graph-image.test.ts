import { describe, expect, it } from 'vitest';
import { renderGraphImage } from '../../src/render/graph-image.js';
import { layoutGraph, selectNodes } from '../../src/render/graph-layout.js';
import { boxesIntersect } from '../../src/render/label-placement.js';
import { theme } from '../../src/render/theme.js';
import { egoGraph, shuffled } from './fixtures.js';
import { countColor, decode, pixelHex } from './pixels.js';

const small = { width: 640, height: 480 } as const;

describe('graph image', () => {
  it('is a PNG of the stated size', async () => {
    const image = await renderGraphImage(egoGraph(40), small);
    expect(image.png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const decoded = await decode(image.png);
    expect([decoded.width, decoded.height]).toEqual([640, 480]);
    expect([image.width, image.height]).toEqual([640, 480]);

    const full = await renderGraphImage(egoGraph(10));
    const big = await decode(full.png);
    expect([big.width, big.height]).toEqual([1000, 750]);
  });

  for (const name of ['dark', 'light'] as const) {
    it(`shows every kind in its ${name} colour, in the legend and on the nodes`, async () => {
      const colors = theme(name);
      const image = await renderGraphImage(egoGraph(40), { ...small, theme: name });
      const pixels = await decode(image.png);
      expect(pixelHex(pixels, 2, 2)).toBe(colors.background);

      const legend = image.layout.legend.items;
      expect(legend.map((item) => item.text)).toEqual([
        'streamer',
        'user',
        'game',
        'language',
        'team',
        'bot',
        'VIP link',
        'moderator link',
      ]);
      for (const item of legend) {
        if (item.what === 'node') {
          expect(pixelHex(pixels, item.swatch.x, item.swatch.y), item.text).toBe(colors.node[item.category]);
        } else {
          const { x, y, width, height } = item.swatch;
          expect(pixelHex(pixels, x + width / 2, y + height / 2), item.text).toBe(colors.roleLink[item.type]);
        }
      }
      // Each kind's colour fills at least one of its nodes, at the centre or halfway to the rim (a label
      // may cover part of a node).
      const spots = [
        [0, 0],
        [0.5, 0],
        [-0.5, 0],
        [0, 0.5],
        [0, -0.5],
      ] as const;
      for (const category of ['Stream', 'User', 'Game', 'Language', 'Team', 'Bot'] as const) {
        const nodes = image.layout.nodes.filter((n) => n.category === category);
        expect(nodes.length, category).toBeGreaterThan(0);
        const hits = nodes.filter((n) =>
          spots.some(
            ([dx, dy]) => pixelHex(pixels, n.x + dx * n.r, n.y + dy * n.r) === colors.node[category],
          ),
        );
        expect(hits.length, category).toBeGreaterThan(0);
      }
      // Bots are flagged users: drawn in the bot colour, never in the user colour.
      for (const bot of image.layout.nodes.filter((n) => n.label.endsWith('bot')))
        expect(bot.category).toBe('Bot');
      expect(countColor(pixels, colors.roleLink.MODERATOR)).toBeGreaterThan(30);
      // VIPs and moderators are drawn bigger than plain chatters and ringed in their badge's colour.
      const roleNodes = image.layout.nodes.filter((n) => n.role !== undefined);
      expect(roleNodes.map((n) => n.label).sort()).toEqual(
        ['moobot', 'nightbot', 'ssakdook', 'vip_three', 'vip_two', '울프'].sort(),
      );
      const plain = image.layout.nodes.filter((n) => n.kind === 'User' && n.role === undefined);
      for (const node of roleNodes) {
        expect(node.r).toBeGreaterThan(Math.max(...plain.map((n) => n.r)) * 0.55);
        const ring = colors.roleLink[node.role ?? 'VIP'];
        const rim = [0, Math.PI / 2, Math.PI, (3 * Math.PI) / 2].filter(
          (a) => pixelHex(pixels, node.x + Math.cos(a) * node.r, node.y + Math.sin(a) * node.r) === ring,
        );
        expect(rim.length, node.label).toBeGreaterThan(0);
      }
    });
  }

  it('gives the same bytes for the same graph and seed, whatever order the nodes come in', async () => {
    const input = egoGraph(60);
    const first = await renderGraphImage(input, small);
    const again = await renderGraphImage(input, small);
    expect(again.png.equals(first.png)).toBe(true);

    const reordered = { ...input, nodes: shuffled(input.nodes), links: shuffled(input.links) };
    const third = await renderGraphImage(reordered, small);
    expect(third.png.equals(first.png)).toBe(true);

    const otherSeed = await renderGraphImage(input, { ...small, seed: 2 });
    expect(otherSeed.png.equals(first.png)).toBe(false);
  });

  it('places labels that never overlap each other and stay in the plot', () => {
    const layout = layoutGraph(egoGraph(250), { ...small, maxLabels: 80 });
    expect(layout.labels.length).toBeGreaterThan(15);
    expect(layout.labels[0]).toMatchObject({ id: 'Stream:lck_korea', text: 'LCK_Korea' });
    const { plot, labels } = layout;
    for (let i = 0; i < labels.length; i++) {
      const a = labels[i];
      if (a === undefined) continue;
      expect(a.x).toBeGreaterThanOrEqual(plot.x);
      expect(a.y).toBeGreaterThanOrEqual(plot.y);
      expect(a.x + a.width).toBeLessThanOrEqual(plot.x + plot.width);
      expect(a.y + a.height).toBeLessThanOrEqual(plot.y + plot.height);
      for (let j = i + 1; j < labels.length; j++) {
        const b = labels[j];
        if (b !== undefined) expect(boxesIntersect(a, b), `${a.text} overlaps ${b.text}`).toBe(false);
      }
    }
  });

  it('sizes nodes by weight, the centre largest', () => {
    const layout = layoutGraph(egoGraph(30), small);
    const r = (id: string) => layout.nodes.find((n) => n.id === id)?.r ?? 0;
    expect(r('User:chatter_00000')).toBeGreaterThan(r('User:chatter_00029'));
    expect(r('Stream:lck_korea')).toBeGreaterThan(r('User:chatter_00000'));
    expect(layout.footer.text).toContain('node size: messages');
  });

  it('cuts a 50,000-chatter channel to the top N before layout and says how many are left out', async () => {
    const input = egoGraph(50_000, { omitted: 1_000 });
    const total = input.nodes.length + 1_000;
    const image = await renderGraphImage(input, { ...small, maxNodes: 200 });
    const { layout } = image;
    expect(layout.nodes).toHaveLength(200);
    expect(layout.more).toBe(total - 200);
    expect(layout.footer.text).toContain(`200 of ${total.toLocaleString('en-US')} nodes shown`);
    expect(layout.footer.text).toContain(`+${(total - 200).toLocaleString('en-US')} more`);
    const ids = new Set(layout.nodes.map((n) => n.id));
    for (const id of [
      'Stream:lck_korea',
      'Game:League of Legends',
      'Language:ko',
      'Team:t1',
      'User:chatter_00000',
    ])
      expect(ids.has(id), id).toBe(true);
    expect(ids.has('User:chatter_49999')).toBe(false);
    expect((await decode(image.png)).width).toBe(640);
  });

  it('keeps the centre and structure first when choosing, then the heaviest', () => {
    const { nodes } = selectNodes(egoGraph(100), 6);
    expect(nodes.map((n) => n.id)).toEqual([
      'Stream:lck_korea',
      'Game:League of Legends',
      'Language:ko',
      'Team:t1',
      'User:chatter_00000',
      'User:chatter_00001',
    ]);
  });

  it('says nothing is left out when everything fits', () => {
    const layout = layoutGraph(egoGraph(5), small);
    expect(layout.more).toBe(0);
    expect(layout.footer.text).not.toContain('more');
  });

  it('draws an empty graph and a lone node without failing', async () => {
    const empty = await renderGraphImage({ title: 'Nothing yet', nodes: [], links: [] }, small);
    expect((await decode(empty.png)).width).toBe(640);
    expect(empty.layout.footer.text).toBe('0 nodes');
    const lone = await renderGraphImage(
      { title: 'One', nodes: [{ id: 'Stream:a', kind: 'Stream', label: 'a' }], links: [] },
      small,
    );
    const node = lone.layout.nodes[0];
    expect(node).toBeDefined();
    expect(pixelHex(await decode(lone.png), node?.x ?? 0, node?.y ?? 0)).toBe(theme('dark').node.Stream);
  });
});
