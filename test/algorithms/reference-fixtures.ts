/**
 * Reading the reference fixtures written by scripts/reference/*.py, and small projection helpers shared by the
 * algorithm tests.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { NodeLabel } from '../../src/domain/graph-records.js';
import { NODE_LABELS } from '../../src/domain/graph-records.js';
import type { GraphProjection } from '../../src/graph/graph-store.port.js';

const graphSummarySchema = z.object({
  nodes: z.number().int(),
  relationships: z.number().int(),
  nodesByKind: z.record(z.string(), z.number().int()),
  selfLoops: z.number().int(),
  parallelRelationships: z.number().int(),
  sinks: z.number().int(),
  nodesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  relationshipsSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type GraphSummary = z.infer<typeof graphSummarySchema>;

const scoresSchema = z.record(z.string(), z.number());
const pagerankParamsSchema = z.object({
  maxIterations: z.number(),
  dampingFactor: z.number(),
  stopEpsilon: z.number(),
});

export const pagerankDemoSchema = z.object({
  graph: graphSummarySchema,
  params: pagerankParamsSchema,
  iterations: z.number().int(),
  scores: scoresSchema,
});

export const betweennessDemoSchema = z.object({
  graph: graphSummarySchema,
  networkx: z.object({ maxAbsDiffFromMageSteps: z.number() }),
  scores: scoresSchema,
});

export const pagerankMultigraphSchema = z.object({
  graph: graphSummarySchema,
  mage: z.object({ params: pagerankParamsSchema, iterations: z.number().int(), scores: scoresSchema }),
  networkx: z.object({ scores: scoresSchema }),
});

export const betweennessMultigraphSchema = z.object({
  graph: graphSummarySchema,
  mage: z.object({ scores: scoresSchema }),
  networkx: z.object({ maxAbsDiffFromMageSteps: z.number(), scores: scoresSchema }),
});

const labelSchema = z.enum(NODE_LABELS);
export const syntheticGraphSchema = z.object({
  summary: graphSummarySchema,
  nodes: z.array(z.tuple([labelSchema, z.string()])),
  out: z.array(z.array(z.number().int().nonnegative())),
});

export function readFixture<T>(name: string, schema: z.ZodType<T>): T {
  const text = readFileSync(new URL(`../fixtures/algorithms/${name}`, import.meta.url), 'utf8');
  return schema.parse(JSON.parse(text));
}

/** The key the fixtures use for a node: kind and name (kinds never contain a colon). */
export function nodeKey(node: { kind: NodeLabel; name: string }): string {
  return `${node.kind}:${node.name}`;
}

/** A projection from an adjacency list: `out[i]` are node i's targets, one per relationship. */
export function projectionFromAdjacency(
  nodes: readonly { kind: NodeLabel; name: string }[],
  out: readonly (readonly number[])[],
): GraphProjection {
  const offsets = new Uint32Array(nodes.length + 1);
  out.forEach((targets, i) => {
    offsets[i + 1] = (offsets[i] ?? 0) + targets.length;
  });
  const targets = Uint32Array.from(out.flatMap((t) => [...t].sort((a, b) => a - b)));
  return { nodes: nodes.map((n) => ({ ...n })), offsets, targets };
}

/** Users named by the given names, with relationships as [source, target] index pairs. */
export function projectionOf(
  names: readonly string[],
  edges: readonly (readonly [number, number])[],
): GraphProjection {
  const out = names.map(() => [] as number[]);
  for (const [source, target] of edges) (out[source] as number[]).push(target);
  return projectionFromAdjacency(
    names.map((name) => ({ kind: 'User' as const, name })),
    out,
  );
}

/** The same graph with parallel relationships collapsed into one (what NetworkX's betweenness walks). */
export function collapseParallel(projection: GraphProjection): GraphProjection {
  const out = projection.nodes.map((_, i) => [
    ...new Set(projection.targets.subarray(projection.offsets[i], projection.offsets[i + 1])),
  ]);
  return projectionFromAdjacency(projection.nodes, out);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What the reference scripts record about a graph (`Graph.summary()` in twitch_demo_graph.py). */
export function summarize(projection: GraphProjection): GraphSummary {
  const { nodes, offsets, targets } = projection;
  const nodesByKind: Record<string, number> = {};
  for (const node of nodes) nodesByKind[node.kind] = (nodesByKind[node.kind] ?? 0) + 1;
  let selfLoops = 0;
  let parallelRelationships = 0;
  let sinks = 0;
  const lines: string[] = [];
  nodes.forEach((_, u) => {
    const own = [...targets.subarray(offsets[u], offsets[u + 1])].sort((a, b) => a - b);
    if (own.length === 0) sinks += 1;
    selfLoops += own.filter((t) => t === u).length;
    parallelRelationships += own.length - new Set(own).size;
    for (const t of own) lines.push(`${u} ${t}`);
  });
  return {
    nodes: nodes.length,
    relationships: targets.length,
    nodesByKind: Object.fromEntries(
      Object.entries(nodesByKind).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    selfLoops,
    parallelRelationships,
    sinks,
    nodesSha256: sha256(nodes.map((n) => JSON.stringify([n.kind, n.name])).join('\n')),
    relationshipsSha256: sha256(lines.join('\n')),
  };
}

/**
 * The brief's tolerance is 1e-6 absolute. Normalized betweenness on the 28k-node demo graph is below 1e-5
 * everywhere and most PageRank values are near 5e-6, where 1e-6 would accept grossly wrong numbers; both
 * sides sum the same double-precision terms (only the order differs), so a relative bound of 1e-9 holds with
 * a wide margin and is checked as well.
 */
export const ABSOLUTE_TOLERANCE = 1e-6;
export const RELATIVE_TOLERANCE = 1e-9;

/** Every fixture node's score next to ours, listing those outside the tolerances (empty when all agree). */
export function scoreMismatches(
  projection: GraphProjection,
  scores: Float64Array,
  expected: Record<string, number>,
): string[] {
  const index = new Map(projection.nodes.map((node, i) => [nodeKey(node), i]));
  const problems: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const i = index.get(key);
    if (i === undefined) {
      problems.push(`${key}: not in the projection`);
      continue;
    }
    const got = scores[i] as number;
    const error = Math.abs(got - want);
    if (!(error <= ABSOLUTE_TOLERANCE && error <= RELATIVE_TOLERANCE * Math.abs(want) + 1e-15)) {
      problems.push(`${key}: got ${got}, expected ${want}`);
    }
  }
  return problems;
}
