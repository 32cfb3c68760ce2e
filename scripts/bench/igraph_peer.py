"""The C peer of bench/igraph.bench.ts: PageRank (PRPACK) and betweenness in python-igraph.

Usage: igraph_peer.py <job.json>. The job names binary files the benchmark wrote: `sources` and `targets`
(uint32, one entry per relationship, native byte order) and optionally `pivots` (uint32 source nodes of
sampled betweenness). Scores are written as float64 files beside them; timings (seconds, best and median
of `runs`) go to stdout as one JSON line. Graph construction is not timed: only the algorithm calls are.
"""
import json
import sys
import time
from array import array

import igraph


def read_u32(path):
    values = array("I")
    with open(path, "rb") as f:
        values.frombytes(f.read())
    return values


def timed(runs, work):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    times.sort()
    return result, {"median_s": times[len(times) // 2], "best_s": times[0], "runs": runs}


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    sources = read_u32(job["sources"])
    targets = read_u32(job["targets"])
    graph = igraph.Graph(n=job["nodes"], edges=list(zip(sources, targets)), directed=True)
    out = {"igraph": igraph.__version__, "nodes": graph.vcount(), "relationships": graph.ecount()}
    runs = job.get("runs", 3)

    ranks, out["pagerank"] = timed(
        runs,
        lambda: graph.pagerank(directed=True, damping=job.get("damping", 0.85), implementation="prpack"),
    )
    array("d", ranks).tofile(open(job["pagerankOut"], "wb"))

    if job.get("pivots"):
        pivots = list(read_u32(job["pivots"]))
        scores, out["betweenness"] = timed(
            job.get("betweennessRuns", 1), lambda: graph.betweenness(directed=True, sources=pivots)
        )
    else:
        scores, out["betweenness"] = timed(job.get("betweennessRuns", 1), lambda: graph.betweenness(directed=True)) if job.get("betweennessRuns", 1) > 0 else ([], None)
    array("d", scores).tofile(open(job["betweennessOut"], "wb"))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
