/**
 * Defaults of the algorithm settings (`BETWEENNESS_EXACT_MAX_NODES`, `BETWEENNESS_SAMPLE_PIVOTS`). Here, below
 * both `src/config.ts`, which reads the settings, and `src/graph/`, which uses them when none are given, so
 * neither imports the other (docs/ARCHITECTURE.md, "Layers").
 */

/** Exact betweenness up to this many nodes; above it, sampled from this many source nodes. */
export const BETWEENNESS_DEFAULTS = { exactMaxNodes: 50_000, samplePivots: 256 } as const;
