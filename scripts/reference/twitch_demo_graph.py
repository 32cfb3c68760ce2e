"""Shared by the reference scripts in this folder: graphs in the shape of twitchgraph's GraphProjection.

Not run on its own. See pagerank_mage_reference.py and betweenness_reference.py for how to regenerate the
fixtures (Python 3.11, `pip install networkx==3.6.1 scipy==1.17.1 numpy==2.4.6`).

`load_demo_graph()` builds the twitch-demo graph from the five seed CSVs exactly as the TypeScript importer
does (src/domain/csv-rows.schema.ts, src/domain/login.ts, src/ingest/csv/seed-importer.ts,
src/graph/embedded/embedded-graph.ts):

- nodes: a `User` per login (trimmed, lower-cased, kept as-is even when a spreadsheet mangled it, e.g.
  `1.00e+12`); a streamer is the same node as the user with their login and has kind `Stream`; `Game`
  (name as written), `Language` (lower-cased code), `Team` (name as written);
- relationships, each at most once per (type, source, target) because every write is a MERGE:
  User->Stream CHATTER / VIP / MODERATOR, Stream->Game PLAYS (none for an empty game_name),
  Stream->Language SPEAKS (none for an empty language), Stream->Team IS_PART_OF;
- rows whose user_id is not a streamer's are rejected, like rows that fail the row schema;
- the projection orders nodes by (kind, name) in UTF-16 code-unit order (`compareNames`) and lists each
  node's targets in ascending index order, one entry per relationship.

Where the data would need a rule the importer has but this module does not copy (a stream id or login
appearing twice in streamers.csv, an unusual created_at format, malformed CSV quoting), it raises instead of
guessing. The fixtures carry digests of the node list and the relationship list; the TypeScript tests compare
them with the projection the importer builds, so any divergence fails there.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import math
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test" / "fixtures" / "algorithms"

# String.prototype.trim and the regex class \s in JavaScript (WhiteSpace and LineTerminator); Python's
# str.strip() and \s use a different set.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
LOGIN_RE = re.compile("[^" + re.escape(JS_WHITESPACE) + ",]+")
TWITCH_ID_RE = re.compile(r"[0-9]{1,20}")
COUNT_RE = re.compile(r"[0-9]+")
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
MAX_SAFE_INTEGER = 2**53 - 1

HEADERS = {
    "streamers.csv": [
        "id",
        "user_id",
        "user_login",
        "user_name",
        "game_name",
        "language",
        "thumbnail_url",
        "followers",
        "description",
        "view_count",
        "created_at",
    ],
    "teams.csv": ["user_id", "team_name"],
    "vips.csv": ["user_id", "vip_login"],
    "moderators.csv": ["user_id", "moderator_login"],
    "chatters.csv": ["user_id", "chatter_login"],
}


class Unsupported(Exception):
    """The data needs an importer rule this reference does not reproduce."""


def demo_dataset_dir() -> Path:
    """Same lookup as test/support/demo-dataset.ts."""
    env = os.environ.get("TWITCH_DEMO_DIR")
    if env:
        return Path(env)
    return REPO / "data" / "twitch-demo"


def js_trim(value: str) -> str:
    return value.strip(JS_WHITESPACE)


def utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def utf16_key(value: str) -> bytes:
    """Sorting by this equals JavaScript's `<` on strings (UTF-16 code units)."""
    return value.encode("utf-16-be")


def parse_login(value: str) -> str | None:
    login = js_trim(value)
    if utf16_length(login) < 1 or utf16_length(login) > 64 or not LOGIN_RE.fullmatch(login):
        return None
    return login.lower()


def parse_twitch_id(value: str) -> str | None:
    value = js_trim(value)
    return value if TWITCH_ID_RE.fullmatch(value) else None


def parse_count(value: str) -> int | None:
    value = js_trim(value)
    if not COUNT_RE.fullmatch(value) or int(value) > MAX_SAFE_INTEGER:
        return None
    return int(value)


def valid_timestamp(value: str) -> bool:
    value = js_trim(value)
    if value == "":
        return True
    if not TIMESTAMP_RE.fullmatch(value):
        raise Unsupported(f"created_at {value!r}: the importer falls back to Date.parse here")
    iso = value.replace(" ", "T", 1)
    iso = re.sub(r"(\.\d{3})\d+", r"\1", iso)
    if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", iso):
        iso += "Z"
    try:
        datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def read_rows(path: Path, header: list[str]) -> tuple[list[list[str]], int]:
    """Data rows with exactly len(header) columns, and how many rows had another count (rejected)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            records = [r for r in csv.reader(handle, strict=True) if r]
        except csv.Error as error:
            raise Unsupported(f"{path}: malformed CSV ({error}); csv-parse recovery is not reproduced") from error
    if not records or [c.strip() for c in records[0]] != header:
        raise Unsupported(f"{path}: unexpected header")
    rows = [r for r in records[1:] if len(r) == len(header)]
    return rows, len(records) - 1 - len(rows)


@dataclass
class Graph:
    """Nodes as (kind, name) in projection order; out[i] = targets of node i, one per relationship."""

    nodes: list[tuple[str, str]]
    out: list[list[int]]
    rejected: int = 0

    @property
    def relationships(self) -> int:
        return sum(len(t) for t in self.out)

    def key(self, index: int) -> str:
        kind, name = self.nodes[index]
        return f"{kind}:{name}"

    def summary(self) -> dict:
        self_loops = sum(1 for u, ts in enumerate(self.out) for t in ts if t == u)
        parallel = sum(len(ts) - len(set(ts)) for ts in self.out)
        kinds: dict[str, int] = {}
        for kind, _ in self.nodes:
            kinds[kind] = kinds.get(kind, 0) + 1
        sinks = sum(1 for ts in self.out if not ts)
        return {
            "nodes": len(self.nodes),
            "relationships": self.relationships,
            "nodesByKind": dict(sorted(kinds.items())),
            "selfLoops": self_loops,
            "parallelRelationships": parallel,
            "sinks": sinks,
            "nodesSha256": nodes_digest(self.nodes),
            "relationshipsSha256": relationships_digest(self.out),
        }


def nodes_digest(nodes: list[tuple[str, str]]) -> str:
    """sha256 of one JSON array [kind, name] per line; the TS tests compute it with JSON.stringify."""
    text = "\n".join(json.dumps([k, n], ensure_ascii=False, separators=(",", ":")) for k, n in nodes)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def relationships_digest(out: list[list[int]]) -> str:
    """sha256 of "source target" per relationship, by source then ascending target."""
    text = "\n".join(f"{u} {t}" for u, ts in enumerate(out) for t in sorted(ts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_graph(node_keys: set[tuple[str, str]], edges: set[tuple[str, tuple[str, str], tuple[str, str]]]) -> Graph:
    nodes = sorted(node_keys, key=lambda kn: (utf16_key(kn[0]), utf16_key(kn[1])))
    index = {kn: i for i, kn in enumerate(nodes)}
    out: list[list[int]] = [[] for _ in nodes]
    for _type, source, target in edges:
        out[index[source]].append(index[target])
    for targets in out:
        targets.sort()
    return Graph(nodes=nodes, out=out)


def load_demo_graph(directory: Path | None = None) -> Graph:
    directory = directory or demo_dataset_dir()
    rejected = 0
    node_keys: set[tuple[str, str]] = set()
    edges: set[tuple[str, tuple[str, str], tuple[str, str]]] = set()

    # streamers.csv first: the other files refer to its user_id.
    stream_login_by_id: dict[str, str] = {}
    rows, bad = read_rows(directory / "streamers.csv", HEADERS["streamers.csv"])
    rejected += bad
    for row in rows:
        _id, user_id, user_login, user_name, game, language, _thumb, followers, _desc, views, created = row
        stream_id = parse_twitch_id(user_id)
        login = parse_login(user_login)
        if (
            stream_id is None
            or login is None
            or js_trim(user_name) == ""
            or parse_count(followers) is None
            or parse_count(views) is None
            or not valid_timestamp(created)
        ):
            rejected += 1
            continue
        if stream_id in stream_login_by_id or login in stream_login_by_id.values():
            raise Unsupported(f"streamers.csv: id {stream_id} or login {login} twice (re-keying not reproduced)")
        stream_login_by_id[stream_id] = login
        stream = ("Stream", login)
        node_keys.add(stream)
        game = js_trim(game)
        if game != "":
            node_keys.add(("Game", game))
            edges.add(("PLAYS", stream, ("Game", game)))
        language = js_trim(language)
        if language != "":
            node_keys.add(("Language", language.lower()))
            edges.add(("SPEAKS", stream, ("Language", language.lower())))

    streamer_logins = set(stream_login_by_id.values())

    def person(login: str) -> tuple[str, str]:
        return ("Stream", login) if login in streamer_logins else ("User", login)

    rows, bad = read_rows(directory / "teams.csv", HEADERS["teams.csv"])
    rejected += bad
    for user_id, team_name in rows:
        stream_id = parse_twitch_id(user_id)
        team = js_trim(team_name)
        if stream_id is None or team == "" or stream_id not in stream_login_by_id:
            rejected += 1
            continue
        node_keys.add(("Team", team))
        edges.add(("IS_PART_OF", ("Stream", stream_login_by_id[stream_id]), ("Team", team)))

    for file, rel_type in (("vips.csv", "VIP"), ("moderators.csv", "MODERATOR"), ("chatters.csv", "CHATTER")):
        rows, bad = read_rows(directory / file, HEADERS[file])
        rejected += bad
        for user_id, raw_login in rows:
            stream_id = parse_twitch_id(user_id)
            login = parse_login(raw_login)
            if stream_id is None or login is None or stream_id not in stream_login_by_id:
                rejected += 1
                continue
            node_keys.add(person(login))
            edges.add((rel_type, person(login), ("Stream", stream_login_by_id[stream_id])))

    graph = build_graph(node_keys, edges)
    graph.rejected = rejected
    return graph


def synthetic_multigraph(seed: int = 20_250_601, n: int = 240) -> Graph:
    """A sink-free directed multigraph with parallel relationships and self-loops, for the checks where the
    demo graph has none. Nodes are `User` n000..; targets favour low indexes so that some nodes are hubs."""
    rng = random.Random(seed)
    out: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for _ in range(1 + rng.randrange(4)):
            out[u].append(int(n * rng.random() ** 2))
        if rng.random() < 0.25:  # a second relationship to a target it already has (VIP who also chats)
            out[u].append(rng.choice(out[u]))
        if rng.random() < 0.05:
            out[u].append(u)
    for targets in out:
        targets.sort()
    width = len(str(n - 1))
    return Graph(nodes=[("User", f"n{i:0{width}d}") for i in range(n)], out=out)


def scores_by_key(graph: Graph, scores: list[float]) -> dict[str, float]:
    for value in scores:
        if not math.isfinite(value):
            raise ValueError("non-finite score")
    return {graph.key(i): scores[i] for i in range(len(graph.nodes))}


def write_fixture(name: str, content: dict) -> Path:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / name
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(content, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return path


def write_graph_fixture(name: str, graph: Graph) -> Path:
    """The graph itself (one line per node), so the TypeScript tests need not reproduce Python's generator."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / name
    lines = [
        "{",
        ' "about": "Seeded synthetic multigraph (twitch_demo_graph.synthetic_multigraph); out[i] are node i\'s targets, one per relationship",',
        f' "summary": {json.dumps(graph.summary())},',
        ' "nodes": [',
        ",\n".join(f"  {json.dumps([kind, name], ensure_ascii=False)}" for kind, name in graph.nodes),
        " ],",
        ' "out": [',
        ",\n".join(f"  {json.dumps(targets)}" for targets in graph.out),
        " ]",
        "}",
    ]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    json.loads(path.read_text(encoding="utf-8"))
    return path
