/**
 * Every Cypher statement of the Bolt adapter that runs unchanged on Memgraph and Neo4j 5 (the few that
 * differ live in `dialect.ts`). All values arrive as parameters; nothing here is assembled from input.
 *
 * Written for both servers: no COUNT {} / COLLECT {} / EXISTS {} subqueries, no `size((n)-->())`, no
 * `shortestPath`, no map projections; pattern comprehensions, `CALL {}` subqueries, `UNWIND` batches and
 * `FOREACH` are fine on both. Integer-valued parameters are sent as bigint so that they arrive as Integer
 * (a JS number would be a Float on the wire), and `/` on two integers is integer division on both.
 *
 * The graph model (docs/ARCHITECTURE.md): a streamer is the `(:User:Stream)` node of that login; a channel
 * known only by id (seed Kafka messages) is a `(:Stream {id})` without `name` and without the `User` label until
 * its login is known. Bookkeeping lives in nodes of its own labels, `(:IngestOffset {group, topic, partition,
 * offset})` and `(:MonitoredChannel {login, …})`, which no graph read below ever matches: every read names
 * the labels of the model.
 */

// ------------------------------------------------------------------------------------------------ streams
// "Ensure" steps: make the node of stream `id` the node of user `login` (embedded-graph.ts `ensureStream`).
// They run in rounds whose rows share no id and no login (see write-plan.ts); within a round the steps are
// order-independent, and they run in this order.

/** Which of these stream ids exist, and under which login. */
export const STREAMS_BY_ID = `
UNWIND $ids AS id
MATCH (s:Stream {id: id})
RETURN s.id AS id, s.name AS name`;

/** Who holds these logins now: a stream (with its id) or a plain user. */
export const HOLDERS_BY_LOGIN = `
UNWIND $logins AS login
MATCH (n:User {name: login})
RETURN n.name AS login, n.id AS streamId, 'Stream' IN labels(n) AS isStream`;

/** A login that changes hands moves off the older stream, which keeps its id and relationships. */
export const ENSURE_RELEASE_LOGIN = `
UNWIND $rows AS row
MATCH (h:User:Stream {name: row.login})
WHERE h.id <> row.id
REMOVE h:User, h.name`;

/**
 * A stream that gets the login of a plain user absorbs that user: the user's relationships move to the
 * stream, merging with ones it already has (CHATTER properties combine as in embedded-graph.ts
 * `combineChatter`). A plain user only has outgoing CHATTER, VIP and MODERATOR relationships. Those into
 * the absorbing stream itself would become self-loops (the broadcaster chatting in their own channel, seen
 * while it was known by id only); they are not moved, and ENSURE_DELETE_ABSORBED removes them.
 */
export const ENSURE_ABSORB_CHATTER = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
MATCH (w:User {name: row.login})
WHERE NOT w:Stream
MATCH (w)-[r:CHATTER]->(t)
WHERE t <> s
MERGE (s)-[m:CHATTER]->(t)
SET m.messages = CASE WHEN m.messages IS NULL THEN r.messages WHEN r.messages IS NULL THEN m.messages ELSE m.messages + r.messages END,
    m.firstSeen = CASE WHEN m.firstSeen IS NULL OR r.firstSeen < m.firstSeen THEN r.firstSeen ELSE m.firstSeen END,
    m.lastSeen = CASE WHEN m.lastSeen IS NULL OR r.lastSeen > m.lastSeen THEN r.lastSeen ELSE m.lastSeen END,
    m.daysSeen = CASE WHEN m.daysSeen IS NULL THEN r.daysSeen WHEN r.daysSeen IS NULL THEN m.daysSeen ELSE m.daysSeen + r.daysSeen END,
    m.subscriber = CASE WHEN m.subscriber = true OR r.subscriber = true THEN true
                        WHEN m.subscriber = false OR r.subscriber = false THEN false END
DELETE r`;

export const ENSURE_ABSORB_VIP = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
MATCH (w:User {name: row.login})
WHERE NOT w:Stream
MATCH (w)-[r:VIP]->(t)
WHERE t <> s
MERGE (s)-[:VIP]->(t)
DELETE r`;

export const ENSURE_ABSORB_MODERATOR = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
MATCH (w:User {name: row.login})
WHERE NOT w:Stream
MATCH (w)-[r:MODERATOR]->(t)
WHERE t <> s
MERGE (s)-[:MODERATOR]->(t)
DELETE r`;

export const ENSURE_DELETE_ABSORBED = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
MATCH (w:User {name: row.login})
WHERE NOT w:Stream
DETACH DELETE w`;

/** An existing stream (a placeholder, or one whose login changed) takes the login. */
export const ENSURE_RENAME = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
SET s:User, s.name = row.login`;

/** A plain user becomes the streamer of a new stream id. */
export const ENSURE_CONVERT_USER = `
UNWIND $rows AS row
MATCH (w:User {name: row.login})
WHERE NOT w:Stream
SET w:Stream, w.id = row.id`;

export const ENSURE_CREATE = `
UNWIND $rows AS row
MERGE (s:Stream {id: row.id})
ON CREATE SET s:User, s.name = row.login`;

/** Channels first seen by id only (seed messages): a placeholder stream until the login is known. */
export const ENSURE_PLACEHOLDERS = `
UNWIND $ids AS id
MERGE (:Stream {id: id})`;

/** Streamer properties are replaced as a whole, as the embedded store does (null removes a property). */
export const SET_STREAMER_PROPERTIES = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})
SET s.displayName = row.displayName,
    s.url = row.url,
    s.followers = row.followers,
    s.totalViewCount = row.totalViewCount,
    s.createdAt = row.createdAt,
    s.description = row.description`;

/** A changed game replaces the PLAYS link (the old Game node stays, with one streamer fewer). */
export const DROP_STALE_PLAYS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})-[p:PLAYS]->(g)
WHERE row.game IS NULL OR g.name <> row.game
DELETE p`;

export const MERGE_PLAYS = `
UNWIND $rows AS row
WITH row WHERE row.game IS NOT NULL
MATCH (s:Stream {id: row.id})
MERGE (g:Game {name: row.game})
MERGE (s)-[:PLAYS]->(g)`;

export const DROP_STALE_SPEAKS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.id})-[p:SPEAKS]->(l)
WHERE row.language IS NULL OR l.name <> row.language
DELETE p`;

export const MERGE_SPEAKS = `
UNWIND $rows AS row
WITH row WHERE row.language IS NOT NULL
MATCH (s:Stream {id: row.id})
MERGE (l:Language {name: row.language})
MERGE (s)-[:SPEAKS]->(l)`;

// ------------------------------------------------------------------------ memberships, roles, chatters

export const KNOWN_STREAM_IDS = `
UNWIND $ids AS id
MATCH (s:Stream {id: id})
RETURN s.id AS id`;

export const MERGE_TEAM_MEMBERSHIPS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.streamerId})
MERGE (t:Team {name: row.team})
MERGE (s)-[:IS_PART_OF]->(t)`;

// Relationship types cannot be parameters, so each role has its own statement text.
export const MERGE_VIPS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.streamerId})
MERGE (u:User {name: row.login})
MERGE (u)-[:VIP]->(s)`;

export const MERGE_MODERATORS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.streamerId})
MERGE (u:User {name: row.login})
MERGE (u)-[:MODERATOR]->(s)`;

/** A CSV chatter: an edge without counts; an existing edge keeps its counts. */
export const MERGE_CHATTERS = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.streamerId})
MERGE (u:User {name: row.login})
MERGE (u)-[:CHATTER]->(s)`;

/**
 * Chat activity of one round (no (login, channel) pair twice). `daysSeen` counts the batch's days after
 * the day of the previous `lastSeen`, so it is computed from the values before this row's update; both are
 * epoch milliseconds / day numbers sent as Integers, so `/` is integer division. Badges only ever add a
 * role edge. A broadcaster's own chat in their channel (the user is the stream node) is left out, as in
 * embedded-graph.ts.
 */
export const APPLY_CHAT_ACTIVITY = `
UNWIND $rows AS row
MATCH (s:Stream {id: row.channelId})
MERGE (u:User {name: row.login})
WITH row, u, s WHERE u <> s
MERGE (u)-[c:CHATTER]->(s)
WITH row, u, s, c, c.messages AS messages, c.firstSeen AS firstSeen, c.lastSeen AS lastSeen, c.daysSeen AS daysSeen
WITH row, u, s, c, messages, firstSeen, lastSeen, daysSeen,
     CASE WHEN lastSeen IS NULL THEN -1 ELSE lastSeen / 86400000 END AS lastDay
SET c.messages = coalesce(messages, 0) + row.messages,
    c.firstSeen = CASE WHEN firstSeen IS NULL OR row.firstSeen < firstSeen THEN row.firstSeen ELSE firstSeen END,
    c.lastSeen = CASE WHEN lastSeen IS NULL OR row.lastSeen > lastSeen THEN row.lastSeen ELSE lastSeen END,
    c.daysSeen = coalesce(daysSeen, 0) + size([d IN row.days WHERE d > lastDay]),
    c.subscriber = coalesce(c.subscriber, false) OR row.subscriber
FOREACH (_ IN CASE WHEN row.moderator THEN [1] ELSE [] END | MERGE (u)-[:MODERATOR]->(s))
FOREACH (_ IN CASE WHEN row.vip THEN [1] ELSE [] END | MERGE (u)-[:VIP]->(s))`;

// --------------------------------------------------------------------------------------------- offsets

// Property names in backticks: words like OFFSET and GROUP are keywords in some Cypher versions, and a
// quoted name is the same property on both servers.

/**
 * The first statement of a chat-activity transaction: the stored offsets of the batch's partitions, read
 * after taking each offset node's write lock (the SET), so the compare-and-set cannot race. Neo4j reads
 * committed data without locking: a plain read could see an offset that a concurrent writer is about to
 * move, and both writers would apply the batch. Holding the lock first, a second writer waits and then
 * reads the first one's committed offset (Neo4j's documented cure for lost updates). Memgraph (snapshot
 * isolation) refuses the second concurrent write to the node as a transient conflict; the retried
 * transaction reads the committed offset. `locked` is removed again by SAVE_OFFSETS.
 */
export const LOCK_OFFSETS = `
UNWIND $offsets AS o
MERGE (x:IngestOffset {\`group\`: o.\`group\`, \`topic\`: o.\`topic\`, \`partition\`: o.\`partition\`})
SET x.locked = true
RETURN x.\`group\` AS \`group\`, x.\`topic\` AS \`topic\`, x.\`partition\` AS \`partition\`, x.\`offset\` AS \`offset\``;

export const SAVE_OFFSETS = `
UNWIND $offsets AS o
MERGE (x:IngestOffset {\`group\`: o.\`group\`, \`topic\`: o.\`topic\`, \`partition\`: o.\`partition\`})
SET x.\`offset\` = o.\`offset\`
REMOVE x.locked`;

export const READ_OFFSETS = `
MATCH (x:IngestOffset {\`group\`: $group, \`topic\`: $topic})
RETURN x.\`group\` AS \`group\`, x.\`topic\` AS \`topic\`, x.\`partition\` AS \`partition\`, x.\`offset\` AS \`offset\`
ORDER BY \`partition\``;

// --------------------------------------------------------------------------------- monitored channels
// Bookkeeping like the offsets: `(:MonitoredChannel {login, requestedBy, since})`, outside the model's labels.

export const MONITORED_CHANNELS = `
MATCH (m:MonitoredChannel)
RETURN m.login AS login, m.requestedBy AS requestedBy, m.since AS since`;

/** Adds the channel unless it is there already; `changed` says which. */
export const ADD_MONITORED_CHANNEL = `
OPTIONAL MATCH (existing:MonitoredChannel {login: $login})
WITH existing WHERE existing IS NULL
CREATE (:MonitoredChannel {login: $login, requestedBy: $requestedBy, since: $since})
RETURN count(*) AS changed`;

export const REMOVE_MONITORED_CHANNEL = `
MATCH (m:MonitoredChannel {login: $login})
DELETE m
RETURN count(*) AS changed`;

// -------------------------------------------------------------------------------------- live alerts
// Bookkeeping like the monitored channels, outside the model's labels: `(:AlertRule {channel, …})` per
// `/alerts set`, and `(:Alert {id, …})` per alert posted (docs/ARCHITECTURE.md, "Live alerts").

export const ALERT_RULES = `
MATCH (r:AlertRule)
RETURN r.channel AS channel, r.discordChannel AS discordChannel, r.sensitivity AS sensitivity,
       r.requestedBy AS requestedBy, r.since AS since`;

/** Adds or replaces the rule; `changed` is 0 when the same destination and sensitivity were there. */
export const SET_ALERT_RULE = `
OPTIONAL MATCH (old:AlertRule {channel: $channel})
WITH old, old IS NOT NULL AND old.discordChannel = $discordChannel AND old.sensitivity = $sensitivity AS same
MERGE (r:AlertRule {channel: $channel})
SET r.discordChannel = $discordChannel, r.sensitivity = $sensitivity,
    r.requestedBy = CASE WHEN same THEN r.requestedBy ELSE $requestedBy END,
    r.since = CASE WHEN same THEN r.since ELSE $since END
RETURN CASE WHEN same THEN 0 ELSE 1 END AS changed`;

export const REMOVE_ALERT_RULE = `
MATCH (r:AlertRule {channel: $channel})
DELETE r
RETURN count(*) AS changed`;

const ALERT_FIELDS = `a.id AS id, a.channel AS channel, a.kind AS kind, a.version AS version,
       a.openedAt AS openedAt, a.updatedAt AS updatedAt, a.title AS title, a.accounts AS accounts,
       a.discordChannel AS discordChannel, a.discordMessageId AS discordMessageId`;

/** Stores the alert unless the stored one has a version at least as high; `changed` says which. */
export const SAVE_ALERT = `
MERGE (a:Alert {id: $id})
WITH a, a.version IS NULL OR a.version < $version AS newer
SET a.channel = CASE WHEN newer THEN $channel ELSE a.channel END,
    a.kind = CASE WHEN newer THEN $kind ELSE a.kind END,
    a.openedAt = CASE WHEN newer THEN $openedAt ELSE a.openedAt END,
    a.updatedAt = CASE WHEN newer THEN $updatedAt ELSE a.updatedAt END,
    a.title = CASE WHEN newer THEN $title ELSE a.title END,
    a.accounts = CASE WHEN newer THEN $accounts ELSE a.accounts END,
    a.discordChannel = CASE WHEN newer THEN $discordChannel ELSE a.discordChannel END,
    a.discordMessageId = CASE WHEN newer THEN $discordMessageId ELSE a.discordMessageId END,
    a.version = CASE WHEN newer THEN $version ELSE a.version END
RETURN CASE WHEN newer THEN 1 ELSE 0 END AS changed`;

export const ALERT_BY_ID = `
MATCH (a:Alert {id: $id})
RETURN ${ALERT_FIELDS}`;

/** Newest first; the exact tie order (ids by code unit) is restored by the adapter. */
export const RECENT_ALERTS = `
MATCH (a:Alert)
RETURN ${ALERT_FIELDS}
ORDER BY a.updatedAt DESC, a.id
LIMIT $limit`;

/** Where each login is known: one row per channel (channel null for an account known nowhere). */
export const ACCOUNT_HISTORY = `
UNWIND $logins AS login
MATCH (u:User {name: login})
OPTIONAL MATCH (u)-[r:CHATTER|VIP|MODERATOR]->(s:Stream)
RETURN login, coalesce(s.name, s.id) AS channel,
       CASE WHEN type(r) = 'CHATTER' THEN r.firstSeen ELSE null END AS firstSeen`;

// --------------------------------------------------------------------------------------------- reads

/** The fields of a StreamerSummary, for a stream bound to `s`. */
const STREAM_FIELDS = `
  s.id AS id, s.name AS name, s.displayName AS displayName, s.url AS url, s.followers AS followers,
  s.totalViewCount AS totalViewCount, s.createdAt AS createdAt, s.description AS description,
  [(s)-[:PLAYS]->(g:Game) | g.name] AS games,
  [(s)-[:SPEAKS]->(l:Language) | l.name] AS languages,
  [(s)-[:IS_PART_OF]->(t:Team) | t.name] AS teams`;

export const TOP_GAMES = `
MATCH (g:Game)
OPTIONAL MATCH (g)<-[p:PLAYS]-()
WITH g.name AS name, count(p) AS count
RETURN name, count
ORDER BY count DESC, name ASC
LIMIT $limit`;

export const TOP_TEAMS = `
MATCH (t:Team)
OPTIONAL MATCH (t)<-[p:IS_PART_OF]-()
WITH t.name AS name, count(p) AS count
RETURN name, count
ORDER BY count DESC, name ASC
LIMIT $limit`;

export const TOP_VIPS = `
MATCH (u)-[:VIP]->()
WHERE u.name IS NOT NULL AND NOT u.name IN $exclude
WITH u.name AS name, count(*) AS count
RETURN name, count
ORDER BY count DESC, name ASC
LIMIT $limit`;

export const TOP_MODERATORS = `
MATCH (u)-[:MODERATOR]->()
WHERE u.name IS NOT NULL AND NOT u.name IN $exclude
WITH u.name AS name, count(*) AS count
RETURN name, count
ORDER BY count DESC, name ASC
LIMIT $limit`;

export const TOP_STREAMERS_BY_VIEWS = `
MATCH (s:User:Stream)
WITH s ORDER BY coalesce(s.totalViewCount, 0) DESC, s.name ASC LIMIT $limit
RETURN ${STREAM_FIELDS}`;

export const TOP_STREAMERS_BY_FOLLOWERS = `
MATCH (s:User:Stream)
WITH s ORDER BY coalesce(s.followers, 0) DESC, s.name ASC LIMIT $limit
RETURN ${STREAM_FIELDS}`;

export const STREAM_BY_LOGIN = `
MATCH (s:User:Stream {name: $login})
RETURN ${STREAM_FIELDS}`;

export const STREAM_BY_ID = `
MATCH (s:Stream {id: $id})
RETURN ${STREAM_FIELDS}`;

/** Display names have no index; streams are few (thousands), so a label scan is fine. */
export const STREAM_DISPLAY_NAMES = `
MATCH (s:Stream)
WHERE s.displayName IS NOT NULL
RETURN s.id AS id, s.name AS name, s.displayName AS displayName`;

export const STREAMERS = `
MATCH (s:User:Stream)
RETURN ${STREAM_FIELDS}`;

export const NEIGHBOURHOOD_ROLES = `
MATCH (s:Stream {id: $id})
RETURN [(u)-[:VIP]->(s) WHERE u.name IS NOT NULL | u.name] AS vips,
       [(u)-[:MODERATOR]->(s) WHERE u.name IS NOT NULL | u.name] AS moderators`;

/** Chatters, most messages first (edges from a CSV have none and come last), then by login. */
export const NEIGHBOURHOOD_CHATTERS = `
MATCH (s:Stream {id: $id})<-[c:CHATTER]-(u)
WHERE u.name IS NOT NULL
WITH u.name AS login, c.messages AS messages
RETURN login, messages
ORDER BY coalesce(messages, -1) DESC, login ASC
LIMIT $limit`;

export const NEIGHBOURHOOD_CHATTER_COUNT = `
MATCH (s:Stream {id: $id})<-[:CHATTER]-(u)
WHERE u.name IS NOT NULL
RETURN count(*) AS count`;

/** Label and relationship-type counts; the label union excludes `:IngestOffset` by construction. */
export const COUNTS = `
CALL { MATCH (n:User) RETURN count(n) AS users }
CALL { MATCH (n:Stream) RETURN count(n) AS streams }
CALL { MATCH (n:User:Stream) RETURN count(n) AS userStreams }
CALL { MATCH (n:Game) RETURN count(n) AS games }
CALL { MATCH (n:Language) RETURN count(n) AS languages }
CALL { MATCH (n:Team) RETURN count(n) AS teams }
CALL { MATCH ()-[r:CHATTER]->() RETURN count(r) AS chatter }
CALL { MATCH ()-[r:VIP]->() RETURN count(r) AS vip }
CALL { MATCH ()-[r:MODERATOR]->() RETURN count(r) AS moderator }
CALL { MATCH ()-[r:PLAYS]->() RETURN count(r) AS plays }
CALL { MATCH ()-[r:SPEAKS]->() RETURN count(r) AS speaks }
CALL { MATCH ()-[r:IS_PART_OF]->() RETURN count(r) AS isPartOf }
RETURN users, streams, userStreams, games, languages, teams, chatter, vip, moderator, plays, speaks, isPartOf`;

export const LIST_STREAMER_NAMES = `MATCH (s:Stream) WHERE s.name IS NOT NULL RETURN s.name AS name`;
export const LIST_GAME_NAMES = `MATCH (n:Game) RETURN n.name AS name`;
export const LIST_LANGUAGE_NAMES = `MATCH (n:Language) RETURN n.name AS name`;
export const LIST_TEAM_NAMES = `MATCH (n:Team) RETURN n.name AS name`;

/** Resolve `connections()` references: by login (user or streamer) and by stream id (`#id`). */
export const RESOLVE_BY_LOGIN = `
UNWIND $logins AS login
MATCH (n:User {name: login})
RETURN login AS ref, n.name AS name, n.id AS id, 'Stream' IN labels(n) AS isStream, n.displayName AS displayName`;

export const RESOLVE_BY_STREAM_ID = `
UNWIND $ids AS id
MATCH (n:Stream {id: id})
RETURN id AS ref, n.name AS name, n.id AS id, true AS isStream, n.displayName AS displayName`;

/**
 * The out-relationships of a view's nodes that stay in it (graph-views.ts `connectionsView`): those to a
 * game, language or team, and those to a user or stream of the view, named by login (`$streams` for
 * streams, `$users` for plain users: a login names one node) or, for a stream known only by id, by id
 * (`$placeholders`). Returning every out-relationship and dropping the rest in the adapter read 106k
 * records for the 5,000 chatters whose affinity /streamer and /vip-candidates weigh at 1M relationships,
 * nearly all CHATTER relationships into channels outside the view (issue 19).
 */
const OUT_LINKS_IN_VIEW = `
WITH n, r, t
WHERE NOT (t:User OR t:Stream)
   OR (t:Stream AND (t.name IN $streams OR (t.name IS NULL AND t.id IN $placeholders)))
   OR (t:User AND NOT t:Stream AND t.name IN $users)
RETURN n.name AS sourceName, n.id AS sourceId, type(r) AS type, labels(t) AS targetLabels, t.name AS targetName, t.id AS targetId`;

/** Out-relationships of resolved nodes: named ones (users and streamers) by login… */
export const OUT_LINKS_BY_LOGIN = `
UNWIND $logins AS login
MATCH (n:User {name: login})-[r]->(t)${OUT_LINKS_IN_VIEW}`;

/** …and streams known only by id. */
export const OUT_LINKS_BY_STREAM_ID = `
UNWIND $ids AS id
MATCH (n:Stream {id: id})-[r]->(t)
WHERE n.name IS NULL${OUT_LINKS_IN_VIEW}`;

// ------------------------------------------------------------------------------------------ projection

/**
 * The algorithm input: model nodes (bookkeeping left out by label) with the database's internal id, then
 * every relationship as a pair of internal ids, in records of parallel lists of plain values (a node is
 * its id, its kind as a number — Stream 0, User 1, Game 2, Language 3, Team 4, the precedence of
 * records.ts `kindOf` — and the name it is shown by). Decoding a few long lists is three to four times
 * faster than one record per node or relationship (measured on the demo graph), and lists of plain values
 * several times faster than a list per node. The lists come in slices of at most `$batch` entries,
 * grouped by internal id (ids are unique, so a slice never holds more): neo4j-driver reads a message
 * larger than one 64 KiB chunk through a buffer that finds every byte by walking its chunks, so one record
 * holding the whole graph took 9 s for the nodes and 2 s for the relationships at 1M relationships,
 * nearly all of it in the driver (issue 19, docs/BENCHMARKS.md). `id()` exists on both servers
 * (deprecated on Neo4j 5 in favour of `elementId()`, a string that would make these lists several times
 * larger); ids are only used within one read transaction.
 *
 * A node is shown by its name, else `#<stream id>` (graph-order.ts `streamDisplayName`; every name list
 * entry is non-null, as `collect()` drops nulls). Excluded logins are matched against that name through
 * `coalesce`: a bare `n.name IN $exclude` is null for a stream known only by id, `NOT null` is null, and
 * the row would be dropped whenever `$exclude` is non-empty, unlike in the embedded store.
 */
export const PROJECTION_NODES = `
MATCH (n)
WHERE (n:User OR n:Stream OR n:Game OR n:Language OR n:Team)
  AND NOT ((n:User OR n:Stream) AND coalesce(n.name, '#' + n.id, '') IN $exclude)
WITH id(n) / $batch AS slice, collect(id(n)) AS keys,
     collect(CASE WHEN n:Stream THEN 0 WHEN n:User THEN 1 WHEN n:Game THEN 2 WHEN n:Language THEN 3 ELSE 4 END) AS kinds,
     collect(coalesce(n.name, '#' + n.id, '#' + toString(id(n)))) AS names
RETURN keys, kinds, names`;

export const PROJECTION_RELATIONSHIPS = `
MATCH (a)-[r]->(b)
WITH id(r) / $batch AS slice, collect(id(a)) AS sources, collect(id(b)) AS targets
RETURN sources, targets`;

/** Every relationship (bookkeeping nodes have none). */
export const COUNT_RELATIONSHIPS = `
MATCH ()-[r]->()
RETURN count(r) AS count`;

export const COUNT_ALGORITHM_NODES = `
MATCH (n)
WHERE (n:User OR n:Stream OR n:Game OR n:Language OR n:Team)
  AND NOT ((n:User OR n:Stream) AND coalesce(n.name, '#' + n.id, '') IN $exclude)
RETURN count(n) AS count`;

// ------------------------------------------------------------------------------------------- testing

/** One slice of "delete everything" (tests and benchmarks); repeated until it deletes nothing. */
/**
 * Relationships first, a batch per transaction: DETACH DELETE of a batch of nodes also deletes every
 * relationship of a popular channel in that one transaction, which at 1M relationships ran Neo4j's 1 GiB
 * heap out (the Bolt benchmark's 1M graph, then `deleteEverything`).
 */
export const DELETE_SOME_RELATIONSHIPS = `
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS count`;

export const DELETE_SOME = `
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count`;

// ------------------------------------------------------------------- moderators' questions

/**
 * Accounts that could be bots (embedded-graph.ts `accountPresence`): distinct channels per relationship
 * type; a relationship of one type between two nodes is unique, so a count per type is a channel count.
 *
 * The counts per type are relationship counts, which Neo4j reads from its degree store without touching a
 * relationship; the first WITH keeps only accounts that can pass the final filter (their sum is never
 * below the distinct channels they reach, so no account that passes is dropped). Distinct channels are the
 * chat count for an account without badges (most of them); only accounts with badges expand theirs, to
 * leave out a badge in a channel already counted. Aggregating every account's relationships instead took
 * 13-15 s at 1M relationships (bench/bolt.bench.ts, issue 19), and counting DISTINCT channels over the
 * 69k accounts that pass still cost most of a second there.
 * The name is read after that filter: reading it for all 616k accounts first cost a third of the rest,
 * which is also why the named accounts (`$logins`, the known bots, present in every real call) are found
 * by `ACCOUNT_PRESENCE_NAMED` through the login index, not by `u.name IN $logins` beside the counts
 * (which doubled the statement's time at 1M relationships); the adapter joins both by login.
 * The accounts come as parallel lists in slices of internal ids (see `PROJECTION_NODES`): 69k records of
 * one account each took neo4j-driver and the schema check about as long as the statement.
 */
/** The columns of `ACCOUNT_PRESENCE` for accounts `u`, their relationship counts by type bound. */
const PRESENCE_COLUMNS = `
WITH u, chatterIn, moderatorIn, vipIn,
     CASE WHEN moderatorIn + vipIn = 0 THEN chatterIn
          ELSE chatterIn
               + size([(u)-[:VIP]->(s:Stream) WHERE NOT (u)-[:CHATTER]->(s) | 1])
               + size([(u)-[:MODERATOR]->(s:Stream) WHERE NOT (u)-[:CHATTER]->(s) AND NOT (u)-[:VIP]->(s) | 1])
     END AS channels`;

const PRESENCE_LISTS = `
WITH id(u) / $batch AS slice, collect(u.name) AS logins, collect(chatterIn) AS chatterIn,
     collect(moderatorIn) AS moderatorIn, collect(vipIn) AS vipIn, collect(channels) AS channels
RETURN logins, chatterIn, moderatorIn, vipIn, channels`;

export const ACCOUNT_PRESENCE = `
MATCH (u:User)
WITH u, size([(u)-[:CHATTER|MODERATOR|VIP]->() | 1]) AS links
WHERE links >= $minChannels OR size([(u)-[:MODERATOR]->() | 1]) > 0
WITH u WHERE u.name IS NOT NULL
WITH u, size([(u)-[:CHATTER]->() | 1]) AS chatterIn, size([(u)-[:MODERATOR]->() | 1]) AS moderatorIn,
     size([(u)-[:VIP]->() | 1]) AS vipIn${PRESENCE_COLUMNS}
WHERE channels >= $minChannels OR moderatorIn > 0${PRESENCE_LISTS}`;

/**
 * The named accounts of `accountPresence`, found by the login index, whatever their channels; as in the
 * embedded store, an account with no CHATTER, VIP or MODERATOR relationship is not reported.
 */
export const ACCOUNT_PRESENCE_NAMED = `
UNWIND $logins AS login
MATCH (u:User {name: login})
WITH DISTINCT u
WITH u, size([(u)-[:CHATTER]->() | 1]) AS chatterIn, size([(u)-[:MODERATOR]->() | 1]) AS moderatorIn,
     size([(u)-[:VIP]->() | 1]) AS vipIn
WHERE chatterIn + moderatorIn + vipIn > 0${PRESENCE_COLUMNS}${PRESENCE_LISTS}`;

/**
 * A channel's audience is everyone with a CHATTER, VIP or MODERATOR relationship to it, with their badges
 * and chats elsewhere, read in two statements that audience.ts joins by login: the chatters, and the few
 * VIPs and moderators. Counts elsewhere are relationship counts less those into this channel: every
 * CHATTER, VIP and MODERATOR relationship ends at a stream (the MERGE statements above), so nothing is lost
 * by not matching the other end, and Neo4j reads a count without expanding the relationships. Expanding
 * them for each of the 110k chatters of the largest channel at 1M relationships was the slow half of
 * /streamer and /vip-candidates (issue 19, docs/BENCHMARKS.md); so was grouping every member's
 * relationships to the channel in one statement (0.9-2 s of server time there, three times the two
 * statements). The WITH makes the plan start at the channel whatever the statistics.
 *
 * Chatters come as parallel lists in slices of internal ids, like `PROJECTION_NODES` (see there why): one
 * record per chatter made neo4j-driver decode 110k records. `collect()` drops nulls, so a nullable value
 * is sent as 0 and its presence as a bit of `flags` (audience.ts `CHATTER_FLAGS`).
 */
export const CHANNEL_CHATTERS = `
MATCH (s:Stream {id: $id})
WITH s
MATCH (s)<-[c:CHATTER]-(u:User)
WHERE u.name IS NOT NULL
WITH id(u) / $batch AS slice,
     collect(u.name) AS logins,
     collect(CASE WHEN c.messages IS NULL THEN 0 ELSE 1 END + CASE WHEN c.firstSeen IS NULL THEN 0 ELSE 2 END
       + CASE WHEN c.lastSeen IS NULL THEN 0 ELSE 4 END + CASE WHEN c.daysSeen IS NULL THEN 0 ELSE 8 END
       + CASE WHEN c.subscriber IS NULL THEN 0 ELSE 16 END + CASE WHEN c.subscriber = true THEN 32 ELSE 0 END) AS flags,
     collect(coalesce(c.messages, 0)) AS messages,
     collect(coalesce(c.firstSeen, 0)) AS firstSeen,
     collect(coalesce(c.lastSeen, 0)) AS lastSeen,
     collect(coalesce(c.daysSeen, 0)) AS daysSeen,
     collect(size([(u)-[:VIP]->() | 1])) AS vips,
     collect(size([(u)-[:MODERATOR]->() | 1])) AS moderators,
     collect(size([(u)-[:CHATTER]->() | 1])) AS chats
RETURN logins, flags, messages, firstSeen, lastSeen, daysSeen, vips, moderators, chats`;

/** The channel's VIPs and moderators (a few), one row per badge, with the same counts as `CHANNEL_CHATTERS`. */
export const CHANNEL_BADGES = `
MATCH (s:Stream {id: $id})
WITH s
MATCH (s)<-[r:VIP|MODERATOR]-(u:User)
WHERE u.name IS NOT NULL
RETURN u.name AS login, type(r) = 'VIP' AS vip,
       size([(u)-[:VIP]->() | 1]) AS vips,
       size([(u)-[:MODERATOR]->() | 1]) AS moderators,
       size([(u)-[:CHATTER]->() | 1]) AS chats`;

/** Which of the named accounts chat, moderate or are VIP in the channel (by the login index, not the audience). */
export const PRESENT_IN = `
UNWIND $logins AS login
MATCH (u:User {name: login})-[:CHATTER|VIP|MODERATOR]->(:Stream {id: $id})
RETURN DISTINCT login`;

/** Which of the channels `$ids` each of `$logins` chats in (`chatsIn`). */
export const CHATS_IN = `
UNWIND $logins AS login
MATCH (u:User {name: login})-[:CHATTER]->(s:Stream)
WHERE s.id IN $ids
RETURN login, collect(DISTINCT s.id) AS ids`;

/** A channel and the size of its audience (its chatters). */
export const CHANNEL_WITH_AUDIENCE = `
MATCH (a:Stream {id: $id})
RETURN a.id AS id, a.name AS login, a.displayName AS displayName,
       size([(x)-[:CHATTER]->(a) | x]) AS audience`;

/** Other channels sharing the channel's chatters, with their own audience sizes. */
export const SHARED_AUDIENCES = `
MATCH (a:Stream {id: $id})<-[:CHATTER]-(u:User)-[:CHATTER]->(b:Stream)
WHERE b <> a
WITH b, count(u) AS shared
RETURN b.id AS id, b.name AS login, b.displayName AS displayName, shared,
       size([(x)-[:CHATTER]->(b) | x]) AS audience`;

/**
 * Every channel with its CHATTER relationship count: the nodes of the shared-audience graph, with the
 * internal id that `MULTI_CHANNEL_CHATTERS` and `AUDIENCE_LEFT_OUT` name them by in the same read
 * transaction. A channel's audience is every chatter whose login is not excluded (as in the embedded
 * store, a stream whose login moved away still counts), so the adapter subtracts `AUDIENCE_LEFT_OUT`'s few
 * from this count, which Neo4j reads without expanding a channel's relationships (counting them one by
 * one for every channel took about 1 s at 1M relationships).
 */
export const CHANNEL_AUDIENCES = `
MATCH (s:Stream)
RETURN id(s) AS key, s.id AS id, s.name AS login, s.displayName AS displayName,
       size([(s)<-[:CHATTER]-() | 1]) AS audience`;

/** Chatters left out of audiences, per channel: the excluded logins, found by the login index. */
export const AUDIENCE_LEFT_OUT = `
UNWIND $exclude AS login
MATCH (x:User {name: login})-[:CHATTER]->(s:Stream)
RETURN id(s) AS key, count(*) AS count`;

/**
 * The CHATTER relationships of accounts and streams (excluded logins left out; a stream whose login moved
 * away has none and is kept, as in the embedded store) that chat in more than one channel, as
 * internal ids in slices of accounts (see `PROJECTION_NODES` on slices): only they link two channels in the
 * shared-audience graph, whose pairs shared-audience.ts counts. Most accounts chat in one channel; the
 * relationship count leaves them out without expanding their relationships (Neo4j reads it from its
 * degree store; counted in a WITH, it keeps the planner from starting at the streams and expanding every
 * chatter, which a WHERE beside the MATCH did). Only users and streams have
 * CHATTER relationships, and they always end at a stream (MERGE_CHATTERS, APPLY_CHAT_ACTIVITY).
 */
export const MULTI_CHANNEL_CHATTERS = `
MATCH (u)
WITH u, size([(u)-[:CHATTER]->() | 1]) AS chats
WHERE chats > 1 AND (u.name IS NULL OR NOT u.name IN $exclude)
MATCH (u)-[:CHATTER]->(s:Stream)
WITH id(u) / $batch AS slice, collect(id(u)) AS chatters, collect(id(s)) AS channels
RETURN chatters, channels`;
