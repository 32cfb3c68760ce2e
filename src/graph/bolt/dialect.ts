/**
 * The statements that differ between Memgraph and Neo4j 5, and how to tell the two apart. Everything else
 * in `cypher.ts` runs unchanged on both.
 *
 * What differs (see docs/graph-backends.md):
 * - Schema DDL. Neo4j 5: `CREATE CONSTRAINT name IF NOT EXISTS FOR (n:L) REQUIRE n.p IS UNIQUE`, which also
 *   creates the backing index. Memgraph: `CREATE CONSTRAINT ON (n:L) ASSERT n.p IS UNIQUE`, which does NOT
 *   create an index, so every property that MERGE/MATCH looks up gets its own `CREATE INDEX ON :L(p)`;
 *   re-creating an existing index or constraint is only a notification there, so the list is idempotent.
 *   On Memgraph these must run as auto-commit queries (`session.run`), never inside a managed transaction.
 * - Algorithms. Memgraph runs PageRank and betweenness inside the database through MAGE on a `project()`
 *   subgraph; Neo4j Community has no such procedures (GDS is a plugin with other definitions), so the
 *   adapter streams the projection and computes in process with the same modules as the embedded store.
 */
import { PAGERANK_DEFAULTS } from '../algorithms/pagerank.js';

export type DialectName = 'neo4j' | 'memgraph';

export interface Dialect {
  readonly name: DialectName;
  /** Idempotent schema statements, each run on its own in an auto-commit transaction. */
  readonly schema: readonly string[];
  /** In-database algorithm statements (Memgraph MAGE), or null to compute in process. */
  readonly algorithms: { pagerank: string; betweenness: string } | null;
}

/**
 * Memgraph answers the Bolt HELLO with an agent that also starts with "Neo4j/" (for driver
 * compatibility), so the name is matched anywhere in it rather than by prefix.
 */
export function detectDialect(agent: string): Dialect {
  return /memgraph/i.test(agent) ? MEMGRAPH : NEO4J;
}

/** Uniqueness rules of the graph model (docs/ARCHITECTURE.md) plus the keys of the bookkeeping nodes. */
const UNIQUE = [
  ['user_name', 'User', ['name']],
  ['stream_id', 'Stream', ['id']],
  ['game_name', 'Game', ['name']],
  ['language_name', 'Language', ['name']],
  ['team_name', 'Team', ['name']],
  ['ingest_offset_key', 'IngestOffset', ['group', 'topic', 'partition']],
  ['monitored_channel_login', 'MonitoredChannel', ['login']],
  ['alert_rule_channel', 'AlertRule', ['channel']],
  ['alert_id', 'Alert', ['id']],
] as const;

/** Offset property names (group, offset…) are keywords in some Cypher versions: quote those. */
const quote = (property: string) =>
  ['group', 'topic', 'partition', 'offset'].includes(property) ? `\`${property}\`` : property;

export const NEO4J: Dialect = {
  name: 'neo4j',
  schema: [
    // Each uniqueness constraint is backed by a range index that MERGE and MATCH on that property use.
    ...UNIQUE.map(
      ([name, label, props]) =>
        `CREATE CONSTRAINT ${name} IF NOT EXISTS FOR (n:${label}) REQUIRE (${props.map((p) => `n.${quote(p)}`).join(', ')}) IS UNIQUE`,
    ),
    // Constraint creation returns before a large store's index is populated; wait so the first import
    // does not run on label scans.
    'CALL db.awaitIndexes(300)',
  ],
  algorithms: null,
};

/**
 * Nodes and relationships of the algorithm input, bookkeeping (`:IngestOffset`) and excluded logins left
 * out; the same set as `projection()` and the embedded store. Both lists are built in their own
 * subquery: grouping one aggregate by the other (a list of every node) would hash that list per row.
 * Exclusion is null-safe as in cypher.ts `PROJECTION_NODES` (a stream known only by id has no name).
 * `project(nodes, relationships)` (Memgraph 3.1+) keeps nodes without relationships, which a
 * `project(path)` over `MATCH p=()-[]->()` would drop, changing N in both algorithms.
 */
/**
 * Largest nodes × relationships for which MAGE gets a `project(nodes, relationships)` subgraph. Memgraph
 * builds that subgraph by looking up both ends of every relationship in the node list, one scan each, so
 * its work is nodes × relationships and the query timeout cannot interrupt it; a stand-in of that loop took
 * about 3 ns a pair (23 s at 49k nodes × 150k relationships). 5e7 pairs keeps it near 0.15 s; the demo graph
 * (3,939 nodes × 6,624 relationships, 2.6e7) stays in MAGE, a million relationships with more than 50
 * nodes does not. Above the cap the
 * adapter reads the graph as two lists and runs the in-process modules, which reproduce MAGE's numbers.
 */
export const MEMGRAPH_PROJECT_MAX_PAIRS = 50_000_000;

const MEMGRAPH_SUBGRAPH = `
CALL {
  MATCH (n)
  WHERE (n:User OR n:Stream OR n:Game OR n:Language OR n:Team)
    AND NOT ((n:User OR n:Stream) AND coalesce(n.name, '#' + n.id, '') IN $exclude)
  RETURN collect(n) AS nodes
}
CALL {
  MATCH (a)-[r]->(b)
  WHERE NOT ((a:User OR a:Stream) AND coalesce(a.name, '#' + a.id, '') IN $exclude)
    AND NOT ((b:User OR b:Stream) AND coalesce(b.name, '#' + b.id, '') IN $exclude)
  RETURN collect(r) AS relationships
}
WITH project(nodes, relationships) AS graph`;

export const MEMGRAPH: Dialect = {
  name: 'memgraph',
  schema: [
    ...UNIQUE.flatMap(([, label, props]) => [
      // A constraint does not create an index on Memgraph: the lookups MERGE makes need their own.
      `CREATE INDEX ON :${label}(${quote(props[0])})`,
      `CREATE CONSTRAINT ON (n:${label}) ASSERT ${props.map((p) => `n.${quote(p)}`).join(', ')} IS UNIQUE`,
    ]),
    // Label indexes for the label scans of lists and top lists (Memgraph scans every node without one).
    'CREATE INDEX ON :Stream',
    'CREATE INDEX ON :Game',
    'CREATE INDEX ON :Language',
    'CREATE INDEX ON :Team',
  ],
  algorithms: {
    // MAGE defaults equal PAGERANK_DEFAULTS; passed explicitly so a change on either side shows.
    pagerank: `${MEMGRAPH_SUBGRAPH}
CALL pagerank.get(graph, ${PAGERANK_DEFAULTS.maxIterations}, ${PAGERANK_DEFAULTS.dampingFactor}, ${PAGERANK_DEFAULTS.stopEpsilon})
YIELD node, rank
RETURN labels(node) AS labels, node.name AS name, node.id AS id, rank AS score`,
    // directed = true, normalized = true: the definition the in-process module follows.
    betweenness: `${MEMGRAPH_SUBGRAPH}
CALL betweenness_centrality.get(graph, true, true)
YIELD node, betweenness_centrality
RETURN labels(node) AS labels, node.name AS name, node.id AS id, betweenness_centrality AS score`,
  },
};
