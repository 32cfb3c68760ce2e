import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectDialect, MEMGRAPH, NEO4J } from '../../../src/graph/bolt/dialect.js';

describe('dialect', () => {
  it("tells Memgraph from Neo4j by the server agent (Memgraph's also starts with Neo4j/)", () => {
    expect(detectDialect('Neo4j/5.26.30').name).toBe('neo4j');
    expect(detectDialect('Neo4j/v5.11.0 compatible graph database server - Memgraph').name).toBe('memgraph');
    expect(detectDialect('Memgraph/3.12.0').name).toBe('memgraph');
  });

  it('computes algorithms in the database only on Memgraph', () => {
    expect(NEO4J.algorithms).toBeNull();
    expect(MEMGRAPH.algorithms?.pagerank).toContain('pagerank.get(graph, 100, 0.85, 0.00001)');
    expect(MEMGRAPH.algorithms?.betweenness).toContain('betweenness_centrality.get(graph, true, true)');
    // Bookkeeping and excluded logins stay out of the MAGE subgraph.
    expect(MEMGRAPH.algorithms?.pagerank).toContain('n:User OR n:Stream OR n:Game OR n:Language OR n:Team');
    expect(MEMGRAPH.algorithms?.pagerank).toContain("coalesce(n.name, '#' + n.id, '') IN $exclude");
  });

  it('keeps memgraph/schema.cypherl in step with the statements the adapter runs', () => {
    const file = readFileSync(new URL('../../../memgraph/schema.cypherl', import.meta.url), 'utf8');
    const statements = file
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('//'))
      .map((line) => line.replace(/;$/, ''));
    expect(statements).toEqual(MEMGRAPH.schema);
  });

  it('creates an index beside every Memgraph constraint, and named idempotent constraints on Neo4j', () => {
    for (const statement of MEMGRAPH.schema.filter((s) => s.startsWith('CREATE CONSTRAINT'))) {
      const [, label, property] = /ON \(n:(\w+)\) ASSERT n\.(`?\w+`?)/.exec(statement) ?? [];
      expect(MEMGRAPH.schema).toContain(`CREATE INDEX ON :${label}(${property})`);
    }
    expect(
      NEO4J.schema.filter((s) => s.startsWith('CREATE CONSTRAINT')).every((s) => s.includes('IF NOT EXISTS')),
    ).toBe(true);
  });
});
