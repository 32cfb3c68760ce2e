/**
 * A stand-in for the neo4j driver at the surface BoltGraphStore uses (`getServerInfo`, `session` →
 * `run` / `executeRead` / `executeWrite` / `close`, `close`), for what no server here can show: Memgraph's
 * agent, its exact failure messages, and a record of every statement the store sends.
 *
 * `answer` plays the server: it gets each statement with its parameters and returns the records (plain
 * objects) or throws. A statement `answer` throws for inside a managed transaction fails that attempt of
 * the transaction, as a failed commit would.
 */
import type { Driver, ManagedTransaction, ServerInfo } from 'neo4j-driver';
import { Neo4jError } from 'neo4j-driver';

/** What Memgraph 3.x answers in the Bolt HELLO (it says Neo4j first, for drivers that check). */
export const MEMGRAPH_AGENT = 'Neo4j/v5.11.0 compatible graph database server - Memgraph';

/** The code Memgraph puts on client errors, including the conditions that clear by themselves. */
export const MEMGRAPH_CLIENT_ERROR = 'Memgraph.ClientError.MemgraphError.MemgraphError';
export const MEMGRAPH_TRANSIENT_ERROR = 'Memgraph.TransientError.MemgraphError.MemgraphError';

/** A failure as the driver hands it over when the server answers FAILURE. */
export function serverFailure(message: string, code: string = MEMGRAPH_CLIENT_ERROR): Neo4jError {
  return new Neo4jError(message, code, '50N42', 'general processing exception');
}

export interface SentStatement {
  query: string;
  params: Record<string, unknown>;
  /** `auto` for session.run (schema statements), else the transaction's kind. */
  mode: 'auto' | 'read' | 'write';
}

export type Answer = (statement: SentStatement) => readonly object[] | Promise<readonly object[]>;

interface FakeRecord {
  toObject(): object;
}

function toRecords(rows: readonly object[]): { records: FakeRecord[] } {
  return { records: rows.map((row) => ({ toObject: () => row })) };
}

export class FakeBoltDriver {
  readonly sent: SentStatement[] = [];
  /** Transactions (and auto-commit statements) that ended in an error, by the statement that failed. */
  readonly failedAttempts: string[] = [];

  constructor(
    private readonly answer: Answer,
    private readonly agent: string = MEMGRAPH_AGENT,
  ) {}

  /** The driver BoltGraphStore.connect expects; the cast is the only place the fake meets the real type. */
  asDriver(): Driver {
    return this as unknown as Driver;
  }

  getServerInfo(): Promise<Pick<ServerInfo, 'address' | 'agent'>> {
    return Promise.resolve({ address: '127.0.0.1:7687', agent: this.agent });
  }

  session(): unknown {
    const send = async (mode: SentStatement['mode'], query: string, params: Record<string, unknown> = {}) => {
      const statement = { query, params, mode };
      this.sent.push(statement);
      try {
        return toRecords(await this.answer(statement));
      } catch (error) {
        this.failedAttempts.push(query);
        throw error;
      }
    };
    const transaction =
      (mode: 'read' | 'write') => async (work: (tx: ManagedTransaction) => Promise<unknown>) => {
        const tx = { run: (query: string, params?: Record<string, unknown>) => send(mode, query, params) };
        return work(tx as unknown as ManagedTransaction);
      };
    return {
      run: (query: string, params?: Record<string, unknown>) => send('auto', query, params),
      executeRead: transaction('read'),
      executeWrite: transaction('write'),
      close: () => Promise.resolve(),
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
