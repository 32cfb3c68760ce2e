"""PageRank reference fixtures for test/algorithms/.

Regenerate (from the repository root; Python 3.11.7 was used):

    python3 -m venv /tmp/twitchgraph-ref
    /tmp/twitchgraph-ref/bin/pip install networkx==3.6.1 scipy==1.17.1 numpy==2.4.6
    /tmp/twitchgraph-ref/bin/python scripts/reference/pagerank_mage_reference.py

The demo dataset is found like test/support/demo-dataset.ts does (TWITCH_DEMO_DIR, else
data/twitch-demo in the repository).

Writes:
- test/fixtures/algorithms/pagerank-demo.json: PageRank of the twitch-demo graph by `mage_pagerank` below, a
  step-by-step transcription of what MAGE's `pagerank.get()` does at its defaults (read in memgraph/mage
  cpp/pagerank_module/pagerank_module.cpp `CreatePageRankGraph` and cpp/pagerank_module/algorithm/pagerank.cpp
  `ParallelIterativePageRank` with one thread). NetworkX cannot be the reference here: it hands the rank of
  nodes without out-relationships (games, languages, teams) back to every node, MAGE lets it leak.
- test/fixtures/algorithms/synthetic-multigraph.json: a seeded sink-free multigraph with parallel
  relationships and self-loops (also written by betweenness_reference.py, identically).
- test/fixtures/algorithms/pagerank-multigraph.json: on that graph, (a) `mage_pagerank` at MAGE's defaults and
  (b) NetworkX's `pagerank` run to convergence. Without sinks the two definitions coincide (NetworkX sums
  parallel relationships into one weight and keeps self-loops, as MAGE counts them), so (b) is an
  independent check of the fixed point; this script asserts that `mage_pagerank` run to convergence agrees.
"""

from __future__ import annotations

import sys
import networkx as nx

# Keep the repository free of __pycache__ (it is not in .gitignore).
sys.dont_write_bytecode = True
import twitch_demo_graph as tg  # noqa: E402

DEFAULTS = {"maxIterations": 100, "dampingFactor": 0.85, "stopEpsilon": 1e-5}


def mage_pagerank(graph: tg.Graph, max_iterations: int = 100, damping: float = 0.85, stop_epsilon: float = 1e-5):
    """MAGE's steps. Returns (ranks, iterations, largest change per iteration)."""
    n = len(graph.nodes)
    # CreatePageRankGraph: one (target, source) pair per out-relationship of each vertex, and
    # out_degree[source] += 1 per pair, so parallel relationships and self-loops count like any other.
    ordered_edges = [(target, source) for source in range(n) for target in graph.out[source]]
    out_degree = [0] * n
    for _target, source in ordered_edges:
        out_degree[source] += 1
    rank = [1.0 / n] * n
    continue_iterate = max_iterations != 0
    iterations = 0
    changes: list[float] = []
    while continue_iterate:
        # ThreadPageRankIteration: block[target] += rank[source] / outdeg(source)
        block = [0.0] * n
        for target, source in ordered_edges:
            block[target] += rank[source] / out_degree[source]
        # rank_next starts at (1 - d)/N, AddCurrentBlockToRankNext adds d * block
        rank_next = [(1.0 - damping) / n] * n
        for i in range(n):
            rank_next[i] += damping * block[i]
        rank, rank_next = rank_next, rank
        iterations += 1
        changes.append(max(abs(a - b) for a, b in zip(rank, rank_next)))
        # CheckContinueIterate: stop at max_iterations, else go on while some |change| > stop_epsilon
        if iterations == max_iterations:
            continue_iterate = False
        else:
            continue_iterate = any(abs(a - b) > stop_epsilon for a, b in zip(rank, rank_next))
    # NormalizeRank: std::accumulate (left to right; Python 3.12's sum() would compensate), then divide.
    total = 0.0
    for value in rank:
        total += value
    return [value / total for value in rank], iterations, changes


def networkx_pagerank(graph: tg.Graph) -> list[float]:
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(len(graph.nodes)))
    g.add_edges_from((u, t) for u, targets in enumerate(graph.out) for t in targets)
    ranks = nx.pagerank(g, alpha=0.85, max_iter=10_000, tol=1e-15)
    return [ranks[i] for i in range(len(graph.nodes))]


def main() -> None:
    demo = tg.load_demo_graph()
    ranks, iterations, changes = mage_pagerank(demo)
    path = tg.write_fixture(
        "pagerank-demo.json",
        {
            "about": "MAGE pagerank.get() at its defaults on the twitch-demo graph, by scripts/reference/pagerank_mage_reference.py",
            "graph": demo.summary(),
            "params": DEFAULTS,
            "iterations": iterations,
            "maxChangePerIteration": changes,
            "scores": tg.scores_by_key(demo, ranks),
        },
    )
    print(f"{path}: {len(demo.nodes)} nodes, {demo.relationships} relationships, {iterations} iterations, changes {changes}")

    multi = tg.synthetic_multigraph()
    tg.write_graph_fixture("synthetic-multigraph.json", multi)
    at_defaults, default_iterations, default_changes = mage_pagerank(multi)
    converged, converged_iterations, _ = mage_pagerank(multi, max_iterations=10_000, stop_epsilon=1e-15)
    reference = networkx_pagerank(multi)
    gap = max(abs(a - b) for a, b in zip(converged, reference))
    assert gap < 1e-12, f"MAGE steps run to convergence differ from NetworkX by {gap}"
    path = tg.write_fixture(
        "pagerank-multigraph.json",
        {
            "about": "PageRank on synthetic-multigraph.json (no sinks): MAGE steps at MAGE's defaults, and NetworkX to convergence",
            "graph": multi.summary(),
            "mage": {
                "params": DEFAULTS,
                "iterations": default_iterations,
                "maxChangePerIteration": default_changes,
                "scores": tg.scores_by_key(multi, at_defaults),
            },
            "networkx": {
                "version": nx.__version__,
                "call": "nx.pagerank(MultiDiGraph, alpha=0.85, max_iter=10000, tol=1e-15)",
                "maxAbsDiffFromMageStepsConverged": gap,
                "mageStepsConvergedIterations": converged_iterations,
                "scores": tg.scores_by_key(multi, reference),
            },
        },
    )
    print(f"{path}: {default_iterations} iterations at defaults; converged MAGE steps vs NetworkX max |diff| {gap:.3g}")


if __name__ == "__main__":
    main()
