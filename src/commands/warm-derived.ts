/**
 * The whole-graph results several commands share — bot flags, communities, PageRank and betweenness —
 * computed ahead of the first question, on a store that keeps them with the graph (docs/ARCHITECTURE.md,
 * "Derived results"): `import` does it so the first cold `ask` after it answers at once, `start` in the
 * background once it is up. Each step yields to the event loop before it runs, so a running front end stays
 * responsive between them.
 */
import type { DerivedResults } from '../graph/graph-store.port.js';
import { BotDetector } from '../insights/bot-detector.js';
import type { CommandGraph } from './command.js';
import { communitiesOf } from './communities.command.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** False for a store that keeps no derived results (Bolt): there is nothing to compute ahead. */
export function keepsDerivedResults(graph: CommandGraph): graph is CommandGraph & DerivedResults {
  return 'derived' in graph && typeof graph.derived === 'function';
}

/** Compute what the default questions share; returns the names of what was computed, in order. */
export async function warmDerivedResults(
  graph: CommandGraph,
  options: { extraBotLogins: readonly string[] },
): Promise<string[]> {
  if (!keepsDerivedResults(graph)) return [];
  // The flags are kept in the store, so every detector of the process (bot, playground, ask) finds them.
  const bots = new BotDetector(graph, { extraLogins: options.extraBotLogins });
  await yieldToEventLoop();
  const flagged = await bots.logins();
  // `/communities` and `/streamer` leave flagged bots out by default; `/pagerank` and `/betweenness` do not.
  await yieldToEventLoop();
  await communitiesOf(graph, flagged);
  await yieldToEventLoop();
  await graph.pagerank({ limit: 1 });
  await yieldToEventLoop();
  await graph.betweenness({ limit: 1 });
  return ['bot flags', 'communities', 'PageRank', 'betweenness'];
}
