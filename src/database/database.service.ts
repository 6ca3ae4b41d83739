import { Injectable, Logger } from '@nestjs/common';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../common/metrics/metrics-registry';
import { AppConfig } from '../config/app-config';
import { DatabaseOutage, isDatabaseUnreachable } from './database-outage';

/**
 * A SQL statement. Named statements become server-side prepared statements (parsed and
 * planned once per connection), which is what the hot paths — heartbeat, token checks,
 * proxy lookups — use.
 */
export interface Statement {
  readonly name?: string;
  readonly text: string;
  /**
   * `false`: counted under its name but planned afresh on every execution. For statements
   * whose best plan depends on the parameter values (full-text search: a common word matches
   * half the rows, a rare one a handful), where a cached generic plan picks one strategy for
   * all of them.
   */
  readonly prepare?: boolean;
  /**
   * How long to wait for the answer before the connection is given up on, instead of
   * `DATABASE_STATEMENT_TIMEOUT_MS` — for bulk work of background loops and admin routes.
   */
  readonly timeoutMs?: number;
}

/** Declares a named (prepared) statement. Names must be unique across the codebase. */
export function sql(
  name: string,
  text: string,
  options: { prepare?: boolean; timeoutMs?: number } = {},
): Statement {
  return { name, text, ...options };
}

/** Anything that can run a statement: the pool, or one transaction's connection. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    stmt: Statement | string,
    values?: readonly unknown[],
  ): Promise<R[]>;
  one<R extends QueryResultRow = QueryResultRow>(
    stmt: Statement | string,
    values?: readonly unknown[],
  ): Promise<R | undefined>;
  /** Runs a write and returns the number of affected rows. */
  execute(stmt: Statement | string, values?: readonly unknown[]): Promise<number>;
}

type PgRunner = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

class Executor implements Queryable {
  constructor(
    private readonly runner: PgRunner,
    private readonly counter: Counter<'statement'>,
    private readonly timeoutMs: number,
  ) {}

  async query<R extends QueryResultRow>(
    stmt: Statement | string,
    values: readonly unknown[] = [],
  ): Promise<R[]> {
    return (await this.run<R>(stmt, values)).rows;
  }

  async one<R extends QueryResultRow>(
    stmt: Statement | string,
    values: readonly unknown[] = [],
  ): Promise<R | undefined> {
    return (await this.run<R>(stmt, values)).rows[0];
  }

  async execute(stmt: Statement | string, values: readonly unknown[] = []): Promise<number> {
    return (await this.run(stmt, values)).rowCount ?? 0;
  }

  private run<R extends QueryResultRow>(stmt: Statement | string, values: readonly unknown[]) {
    const statement = typeof stmt === 'string' ? { text: stmt } : stmt;
    DatabaseOutage.failFast();
    this.counter.inc({ statement: statement.name ?? 'adhoc' });
    return this.runner
      .query<R>({
        name: statement.prepare === false ? undefined : statement.name,
        text: statement.text,
        values: values as unknown[],
        // A server that stopped answering (frozen, partitioned) fails the statement in bounded
        // time; the pool then drops the connection instead of queueing behind it.
        query_timeout: statement.timeoutMs ?? this.timeoutMs,
      } as QueryConfig)
      .catch(noteOutage);
  }
}

/**
 * The database as the repositories see it: parameterised SQL over the pool that TypeORM
 * owns (one pool per process), plus transactions and dedicated connections for LISTEN.
 */
@Injectable()
export class Database implements Queryable {
  private readonly logger = new Logger(Database.name);
  private readonly pool: Pool;
  private readonly executor: Executor;
  private readonly counter: Counter<'statement'>;
  /** `DATABASE_STATEMENT_TIMEOUT_MS`: callers running raw statements on a connection of their own bound them by it too. */
  readonly statementTimeoutMs: number;

  constructor(dataSource: DataSource, metrics: MetricsRegistry, config: AppConfig) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.counter = metrics.counter(
      'molecule_db_queries_total',
      'SQL statements sent, by statement name',
      ['statement'],
    );
    this.statementTimeoutMs = config.databaseStatementTimeoutMs;
    this.executor = new Executor(this.pool, this.counter, this.statementTimeoutMs);
    registerPoolGauges(metrics, this.pool);
  }

  query<R extends QueryResultRow = QueryResultRow>(
    stmt: Statement | string,
    values?: readonly unknown[],
  ): Promise<R[]> {
    return this.executor.query<R>(stmt, values);
  }

  one<R extends QueryResultRow = QueryResultRow>(
    stmt: Statement | string,
    values?: readonly unknown[],
  ): Promise<R | undefined> {
    return this.executor.one<R>(stmt, values);
  }

  execute(stmt: Statement | string, values?: readonly unknown[]): Promise<number> {
    return this.executor.execute(stmt, values);
  }

  /**
   * Runs `work` in one transaction; rolls back when it throws. A connection that failed (the
   * server went away or stopped answering) is not rolled back — the server ends the transaction
   * with the connection — but dropped, never handed to the next caller.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    // Not counted as statements: the counters are per repository statement.
    const control = (text: string) =>
      client
        .query({ text, query_timeout: this.statementTimeoutMs } as QueryConfig)
        .catch(noteOutage);
    let broken: Error | undefined;
    try {
      await control('BEGIN');
      const result = await work(new Executor(client, this.counter, this.statementTimeoutMs));
      await control('COMMIT');
      return result;
    } catch (err) {
      if (isDatabaseUnreachable(err)) broken = err as Error;
      else await control('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** A connection taken out of the pool for the caller's exclusive use (LISTEN, advisory locks). */
  async connect(): Promise<PoolClient> {
    DatabaseOutage.failFast();
    const client = await this.pool.connect().catch(noteOutage);
    // Between its statements a checked-out connection has no listener: the server going away
    // then would be an unhandled 'error' event, and the end of the process. The caller learns
    // of it from its next statement.
    const ignore = (err: Error) =>
      this.logger.warn({ err: String(err) }, 'a checked-out database connection was lost');
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      client.off('error', ignore);
      release(err);
    };
    return client;
  }
}

/** The pool's state, read when `/metrics` is scraped. */
function registerPoolGauges(metrics: MetricsRegistry, pool: Pool): void {
  metrics.gauge(
    'molecule_db_pool_connections',
    'Connections of the database pool, by state (in_use: checked out; idle: open, unused).',
    ['state'],
    (gauge) => {
      gauge.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      gauge.set({ state: 'idle' }, pool.idleCount);
    },
  );
  metrics.gauge(
    'molecule_db_pool_waiting_clients',
    'Queries and transactions waiting for a free pool connection.',
    [],
    (gauge) => gauge.set(pool.waitingCount),
  );
  metrics.gauge(
    'molecule_db_pool_max_connections',
    'Size limit of the database pool.',
    [],
    (gauge) => gauge.set(pool.options.max ?? 0),
  );
}

/** Remembers an outage for the request being served, and passes the failure on. */
function noteOutage(err: unknown): never {
  DatabaseOutage.note(err);
  throw err;
}

/** PostgreSQL error codes the repositories react to. */
export const PgError = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  invalidTextRepresentation: '22P02',
  untranslatableCharacter: '22P05',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}
