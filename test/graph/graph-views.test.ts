/** The view builder both GraphStore adapters share: its output depends on the graph, not on row order. */
import { describe, expect, it } from 'vitest';
import type { StreamerSummary } from '../../src/graph/graph-store.port.js';
import type { OutLink, ResolvedRef } from '../../src/graph/graph-views.js';
import { connectionsView, neighbourhoodOf } from '../../src/graph/graph-views.js';

const summary: StreamerSummary = {
  id: '1',
  login: 'alpha',
  displayName: 'Alpha',
  game: 'Chess',
  language: 'en',
  teams: ['red'],
  url: 'https://www.twitch.tv/alpha',
  followers: 10,
  totalViewCount: 100,
  createdAt: null,
  description: '',
};

describe('graph views', () => {
  it('builds the same connections view whatever order the links arrive in', () => {
    const refs: ResolvedRef[] = [
      { ref: 'bravo', identity: 'u:bravo', isStream: true, displayName: 'Bravo' },
      { ref: 'kim', identity: 'u:kim', isStream: false, displayName: null },
      { ref: '#7', identity: 's:7', isStream: true, displayName: null },
    ];
    const toThing = (
      sourceIdentity: string,
      type: OutLink['type'],
      kind: 'Game' | 'Language' | 'Team',
      name: string,
    ): OutLink => ({ sourceIdentity, type, targetIdentity: null, target: { kind, name } });
    const links: OutLink[] = [
      toThing('u:bravo', 'IS_PART_OF', 'Team', 'red'),
      toThing('u:bravo', 'PLAYS', 'Game', 'Go'),
      { sourceIdentity: 'u:kim', type: 'CHATTER', targetIdentity: 's:7', target: null },
      { sourceIdentity: 'u:kim', type: 'CHATTER', targetIdentity: 'u:elsewhere', target: null },
      toThing('s:7', 'SPEAKS', 'Language', 'de'),
      toThing('u:bravo', 'SPEAKS', 'Language', 'de'),
    ];
    const view = connectionsView(refs, links);
    expect(view.nodes.map((n) => n.id)).toEqual([
      'Stream:bravo',
      'User:kim',
      'Stream:#7',
      'Game:Go',
      'Language:de',
      'Team:red',
    ]);
    expect(view.nodes[2]?.label).toBe('#7');
    // A chat in a channel outside the view is not drawn.
    expect(view.links).toHaveLength(5);
    for (const shuffled of [
      [...links].reverse(),
      [links[4], links[1], links[5], links[0], links[3], links[2]],
    ])
      expect(connectionsView(refs, shuffled as OutLink[])).toEqual(view);
  });

  it('keeps the top chatters of a neighbourhood, most messages first, and counts the rest as omitted', () => {
    const chatters = [
      { login: 'csv', messages: null },
      { login: 'zed', messages: 2 },
      { login: 'amy', messages: 2 },
      { login: 'top', messages: 9 },
    ];
    const hood = neighbourhoodOf(summary, ['vip_b', 'vip_a'], ['mod'], chatters, 40, 3);
    expect(hood.chatters.map((c) => c.login)).toEqual(['top', 'amy', 'zed']);
    expect(hood.vips).toEqual(['vip_a', 'vip_b']);
    expect(hood.view.omitted).toBe(37);
    expect(hood.view.nodes.map((n) => n.id)).toEqual([
      'Stream:alpha',
      'Game:Chess',
      'Language:en',
      'Team:red',
      'User:vip_a',
      'User:vip_b',
      'User:mod',
      'User:top',
      'User:amy',
      'User:zed',
    ]);
    expect(hood.view.nodes.find((n) => n.id === 'User:top')?.weight).toBe(9);
    expect(neighbourhoodOf(summary, [], [], [...chatters].reverse(), 40, 3)).toEqual(
      neighbourhoodOf(summary, [], [], chatters, 40, 3),
    );
  });
});
