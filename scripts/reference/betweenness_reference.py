"""Betweenness reference fixtures for test/algorithms/.

Regenerate (from the repository root; Python 3.11.7 was used; about ten minutes on two shared cores, nearly
all of it NetworkX on the demo graph, which walks every node for every source):

    python3 -m venv /tmp/twitchgraph-ref
    /tmp/twitchgraph-ref/bin/pip install networkx==3.6.1 scipy==1.17.1 numpy==2.4.6
    /tmp/twitchgraph-ref/bin/python scripts/reference/betweenness_reference.py

The demo dataset is found like test/support/demo-dataset.ts does (TWITCH_DEMO_DIR, else
data/twitch-demo in the repository).

What MAGE's `betweenness_centrality.get()` does at its defaults (directed, normalized; read in memgraph/mage
cpp/betweenness_centrality_module/algorithm/betweenness_centrality.cpp and the graph view from
cpp/mg_utility/mg_utils.hpp `GetGraphView` + cpp/mg_utility/mg_graph.hpp `CreateEdge`): Brandes over a
neighbour list that holds one entry per relationship. A parallel relationship therefore adds the path count
again and a second predecessor entry: parallel relationships are separate shortest paths. NetworkX's
`betweenness_centrality` iterates `G[v]`, one entry per neighbour, even on a MultiDiGraph, so it agrees with
MAGE only where no parallel relationship lies on a shortest path. `mage_betweenness` below follows MAGE and
is what the fixtures hold; NetworkX checks it where the definitions coincide.

Writes:
- test/fixtures/algorithms/betweenness-demo.json: `mage_betweenness` on the twitch-demo graph. The demo data
  has no parallel relationships and no self-loops (see "graph"), so NetworkX's value must be the same: the
  script asserts it and records the largest difference.
- test/fixtures/algorithms/synthetic-multigraph.json: the seeded multigraph (also written, identically, by
  pagerank_mage_reference.py).
- test/fixtures/algorithms/betweenness-multigraph.json: on that graph, `mage_betweenness` ("mage") and NetworkX
  ("networkx", which collapses parallel relationships). The script asserts that `mage_betweenness` on the
  graph with parallel relationships collapsed equals NetworkX, and records how far the two are apart on the
  multigraph itself.
"""

from __future__ import annotations

import sys
from collections import deque

import networkx as nx

# Keep the repository free of __pycache__ (it is not in .gitignore).
sys.dont_write_bytecode = True
import twitch_demo_graph as tg  # noqa: E402


def mage_betweenness(graph: tg.Graph) -> list[float]:
    """MAGE's Brandes (directed, normalized), with sparse per-source state so the demo graph runs quickly."""
    n = len(graph.nodes)
    centrality = [0.0] * n
    for source in range(n):
        # betweenness_centrality_util::BFS: every neighbour entry counts, so parallel relationships add
        # sigma twice and appear twice among the predecessors; a self-loop never has dist = dist + 1.
        sigma = {source: 1}
        dist = {source: 0}
        predecessors: dict[int, list[int]] = {}
        visited = []
        queue = deque([source])
        while queue:
            current = queue.popleft()
            visited.append(current)
            for neighbour in graph.out[current]:
                if neighbour not in dist:
                    queue.append(neighbour)
                    dist[neighbour] = dist[current] + 1
                if dist[neighbour] == dist[current] + 1:
                    sigma[neighbour] = sigma.get(neighbour, 0) + sigma[current]
                    predecessors.setdefault(neighbour, []).append(current)
        dependency = dict.fromkeys(visited, 0.0)
        while visited:
            current = visited.pop()
            for predecessor in predecessors.get(current, ()):
                fraction = sigma[predecessor] / sigma[current]
                dependency[predecessor] += fraction * (1 + dependency[current])
            if current != source:
                centrality[current] += dependency[current]
    constant = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return [value * constant for value in centrality]


def collapsed(graph: tg.Graph) -> tg.Graph:
    return tg.Graph(nodes=graph.nodes, out=[sorted(set(targets)) for targets in graph.out])


def networkx_betweenness(graph: tg.Graph) -> list[float]:
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(len(graph.nodes)))
    g.add_edges_from((u, t) for u, targets in enumerate(graph.out) for t in targets)
    scores = nx.betweenness_centrality(g, normalized=True)
    return [scores[i] for i in range(len(graph.nodes))]


def max_abs_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b))


def main() -> None:
    demo = tg.load_demo_graph()
    mage = mage_betweenness(demo)
    networkx = networkx_betweenness(demo)
    gap = max_abs_diff(mage, networkx)
    summary = demo.summary()
    if summary["parallelRelationships"] == 0:
        assert gap < 1e-12, f"no parallel relationships, yet MAGE steps and NetworkX differ by {gap}"
    path = tg.write_fixture(
        "betweenness-demo.json",
        {
            "about": "MAGE betweenness_centrality.get() at its defaults (directed, normalized) on the twitch-demo graph, by scripts/reference/betweenness_reference.py",
            "graph": summary,
            "params": {"directed": True, "normalized": True},
            "networkx": {
                "version": nx.__version__,
                "call": "nx.betweenness_centrality(MultiDiGraph, normalized=True)",
                "maxAbsDiffFromMageSteps": gap,
            },
            "scores": tg.scores_by_key(demo, mage),
        },
    )
    print(f"{path}: {len(demo.nodes)} nodes; MAGE steps vs NetworkX max |diff| {gap:.3g}")

    multi = tg.synthetic_multigraph()
    tg.write_graph_fixture("synthetic-multigraph.json", multi)
    mage = mage_betweenness(multi)
    networkx = networkx_betweenness(multi)
    collapsed_gap = max_abs_diff(mage_betweenness(collapsed(multi)), networkx)
    assert collapsed_gap < 1e-12, f"MAGE steps on the collapsed graph differ from NetworkX by {collapsed_gap}"
    gap = max_abs_diff(mage, networkx)
    path = tg.write_fixture(
        "betweenness-multigraph.json",
        {
            "about": "Betweenness on synthetic-multigraph.json: MAGE steps (parallel relationships are separate paths) and NetworkX (collapses them)",
            "graph": multi.summary(),
            "mage": {"params": {"directed": True, "normalized": True}, "scores": tg.scores_by_key(multi, mage)},
            "networkx": {
                "version": nx.__version__,
                "call": "nx.betweenness_centrality(MultiDiGraph, normalized=True)",
                "maxAbsDiffFromMageStepsOnCollapsedGraph": collapsed_gap,
                "maxAbsDiffFromMageSteps": gap,
                "scores": tg.scores_by_key(multi, networkx),
            },
        },
    )
    print(f"{path}: MAGE steps vs NetworkX on the multigraph max |diff| {gap:.3g}; on the collapsed graph {collapsed_gap:.3g}")


if __name__ == "__main__":
    main()
