/** /streamer and /vip-candidates on CSV-like data (no message counts): ranked by signals, not by name. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import type { CommandPorts } from '../../src/commands/command.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphView } from '../../src/graph/graph-store.port.js';
import { AFFINITY_MAX_CHATTERS, audienceAffinity } from '../../src/insights/audience-affinity.js';
import { streamer } from '../contract/graph-store.contract.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const run = (line: string, ports: CommandPorts) =>
  dispatch(parseCommandLine(line, definitions), registry, ports);

/**
 * `home` has chatters whose names sort against their standing: `aaa_plain` chats only here, `bbb_far`
 * also chats in `far` (shares nobody else with home), `ccc_near` also chats in `near` (which shares most of
 * home's audience), `zzz_badge` is VIP elsewhere.
 */
async function store() {
  const graph = EmbeddedGraphStore.inMemory();
  await graph.upsertStreamers([streamer('1', 'home'), streamer('2', 'near'), streamer('3', 'far')]);
  const fans = Array.from({ length: 6 }, (_, i) => `fan${i}`);
  await graph.addChatters([
    ...['aaa_plain', 'bbb_far', 'ccc_near', 'zzz_badge', ...fans].map((login) => ({
      streamerId: '1',
      login,
    })),
    ...['ccc_near', ...fans].map((login) => ({ streamerId: '2', login })),
    { streamerId: '3', login: 'bbb_far' },
  ]);
  await graph.addRoles([{ streamerId: '3', login: 'zzz_badge', role: 'VIP' }]);
  return graph;
}

describe('ranking chatters without message counts', () => {
  it('scores audience affinity by the share of the audience each other channel holds', async () => {
    const graph = await store();
    const affinity = await audienceAffinity(graph, '1', [
      { login: 'aaa_plain', chatsElsewhere: 0 },
      { login: 'bbb_far', chatsElsewhere: 1 },
      { login: 'ccc_near', chatsElsewhere: 1 },
    ]);
    // home has 10 chatters; near shares 7 of them (ccc_near and six fans), far shares 1 (bbb_far).
    expect(Object.fromEntries(affinity)).toEqual({ bbb_far: 0.1, ccc_near: 0.7 });
  });

  it('scores the chatters in most other channels, then the first by login, when there are too many', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await graph.upsertStreamers([streamer('1', 'home'), streamer('2', 'near'), streamer('3', 'far')]);
    const logins = Array.from(
      { length: AFFINITY_MAX_CHATTERS + 2 },
      (_, i) => `c${String(i).padStart(5, '0')}`,
    );
    await graph.addChatters([
      ...logins.flatMap((login) => [
        { streamerId: '1', login },
        { streamerId: '2', login },
      ]),
      // The last one also chats in `far`: two other channels, so it is scored first.
      { streamerId: '3', login: logins.at(-1) ?? '' },
    ]);
    const chatters = logins.map((login, i) => ({ login, chatsElsewhere: i === logins.length - 1 ? 2 : 1 }));
    // Given out of login order: the cut is still by login.
    const affinity = await audienceAffinity(graph, '1', [...chatters].reverse());
    expect(affinity.size).toBe(AFFINITY_MAX_CHATTERS);
    expect(affinity.has(logins.at(-1) ?? '')).toBe(true);
    expect(affinity.has('c00000')).toBe(true);
    // c05001 first, then 4,999 of the 5,001 chatting in one other channel: c00000 … c04998.
    expect(affinity.has('c04998')).toBe(true);
    expect(affinity.has('c04999')).toBe(false);
    expect(affinity.has('c05000')).toBe(false);
  });

  it('/streamer lists badge holders, then chatters close to this audience, never alphabetically', async () => {
    const graph = await store();
    const { reply } = await run('/streamer home', { graph, pictures: false });
    const chatters = (reply.data as { chatters: { login: string }[] }).chatters.map((c) => c.login);
    // The fans chat in `near` too: as close to this audience as ccc_near, closer than bbb_far.
    expect(chatters).toEqual([
      'zzz_badge',
      'ccc_near',
      'fan0',
      'fan1',
      'fan2',
      'fan3',
      'fan4',
      'fan5',
      'bbb_far',
      'aaa_plain',
    ]);
    const fields = new Map((reply.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.get('Nearest channels (shared chatters)')).toBe('near (7), far (1)');
    expect(fields.get('Community')).toBe('1 of 1: near, far (3 channels; see /communities)');
    expect(reply.notes.join(' ')).toContain('audience affinity');
  });

  it('/streamer draws the nearest channels and the chatters linking to them', async () => {
    const graph = await store();
    const { reply } = await run('/streamer home', { graph, pictures: false });
    const view = (reply.data as { view: GraphView }).view;
    const ids = new Set(view.nodes.map((n) => n.id));
    expect(ids.has('Stream:near')).toBe(true);
    expect(ids.has('Stream:far')).toBe(true);
    expect(view.links).toContainEqual({ source: 'User:ccc_near', target: 'Stream:near', type: 'CHATTER' });
  });

  it('/vip-candidates breaks equal scores by audience affinity', async () => {
    const graph = await store();
    const { reply } = await run('/vip-candidates home 10', {
      graph,
      pictures: false,
      now: () => new Date(0),
    });
    const logins = (reply.data as { candidates: { login: string; score: number }[] }).candidates;
    const near = logins.findIndex((c) => c.login === 'ccc_near');
    const far = logins.findIndex((c) => c.login === 'bbb_far');
    expect(logins[near]?.score).toBe(logins[far]?.score);
    expect(near).toBeLessThan(far);
  });
});
