/**
 * The seed's way of writing, kept only as the baseline of `npm run bench bolt`: every CSV row is one
 * auto-commit `MERGE` query (`session.run`), one network round trip and one commit per row. The product
 * never writes like this; BoltGraphStore batches rows with `UNWIND`.
 */
import type { Driver, Session } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import type {
  ChatterPresence,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
} from '../../domain/graph-records.js';
import { streamerParams } from './records.js';

const STREAMER = `
MERGE (s:Stream {id: $id})
SET s:User, s.name = $login, s.displayName = $displayName, s.url = $url, s.followers = $followers,
    s.totalViewCount = $totalViewCount, s.createdAt = $createdAt, s.description = $description
FOREACH (name IN CASE WHEN $game IS NULL THEN [] ELSE [$game] END |
  MERGE (g:Game {name: name}) MERGE (s)-[:PLAYS]->(g))
FOREACH (name IN CASE WHEN $language IS NULL THEN [] ELSE [$language] END |
  MERGE (l:Language {name: name}) MERGE (s)-[:SPEAKS]->(l))`;

const TEAM = `
MATCH (s:Stream {id: $streamerId})
MERGE (t:Team {name: $team})
MERGE (s)-[:IS_PART_OF]->(t)`;

const VIP = `
MATCH (s:Stream {id: $streamerId})
MERGE (u:User {name: $login})
MERGE (u)-[:VIP]->(s)`;

const MODERATOR = `
MATCH (s:Stream {id: $streamerId})
MERGE (u:User {name: $login})
MERGE (u)-[:MODERATOR]->(s)`;

const CHATTER = `
MATCH (s:Stream {id: $streamerId})
MERGE (u:User {name: $login})
MERGE (u)-[:CHATTER]->(s)`;

export class RowByRowWriter {
  private readonly driver: Driver;
  private readonly session: Session;

  /** Connects without retries: a benchmark baseline against a server the caller knows is up. */
  constructor(url: string) {
    this.driver = neo4j.driver(url, undefined, { useBigInt: true });
    this.session = this.driver.session({ defaultAccessMode: neo4j.session.WRITE });
  }

  async streamer(row: StreamerRecord): Promise<void> {
    await this.session.run(STREAMER, streamerParams(row));
  }

  async team(row: TeamMembership): Promise<void> {
    await this.session.run(TEAM, { streamerId: row.streamerId, team: row.team });
  }

  async role(row: RoleGrant): Promise<void> {
    await this.session.run(row.role === 'VIP' ? VIP : MODERATOR, {
      streamerId: row.streamerId,
      login: row.login,
    });
  }

  async chatter(row: ChatterPresence): Promise<void> {
    await this.session.run(CHATTER, { streamerId: row.streamerId, login: row.login });
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.driver.close();
  }
}
