import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, QueryConfig } from 'pg';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { Prisma, PrismaClient } from './generated/prisma/client';

/** Statement texts sqlStatement() names at most (each is prepared on every pool connection that runs it). */
const MAX_NAMED_TEXTS = 32;

/**
 * The Prisma 7 client over node-postgres. Connections fail fast (connect timeout) and a
 * statement that never answers is given up (query timeout), so a sick database turns into
 * 503s rather than hanging requests.
 *
 * DATABASE_URL may be a transaction-mode PgBouncer, which hands each transaction (each
 * statement, outside one) to any server connection. So nothing here outlives a transaction:
 * - statements are unnamed (no `statementNameGenerator`, no `name:`): a named prepared
 *   statement lives on one server connection, and the next transaction may land on another
 *   ("prepared statement … does not exist" / "already exists"). Where DATABASE_URL is a real
 *   session, DATABASE_PREPARED_STATEMENTS names the hot fixed reads (`statement()`);
 * - no session settings: `statement_timeout` is the role's default in the database, set by
 *   the migrator (`ALTER ROLE … IN DATABASE … SET`, from DATABASE_STATEMENT_TIMEOUT), so every
 *   server session has it at no cost per query; PgBouncer 1.18 refuses it as a startup parameter;
 * - session features (advisory locks, LISTEN) go through DATABASE_DIRECT_URL, never this pool.
 *
 * The same pg pool is exposed as `pool` for the API's hot reads (TemplateReadRepository).
 * Internal to libs/db: apps reach the database only through the repositories and
 * DatabaseHealth, never through this class.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;
  private readonly preparedStatements: boolean;
  /** sqlStatement(): the name given to each statement text. */
  private readonly namedTexts = new Map<string, string>();
  private readonly textsPerName = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) logger: Logger) {
    const { url, poolSize, connectTimeoutMs, statementTimeoutMs, preparedStatements } = config.database;
    const pool = new Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      // Client side, so no session setting: a statement that gets no answer at all within its
      // statement timeout plus the connect timeout fails (503) and its connection is dropped.
      // Through PgBouncer that is a statement queued for a server connection that cannot be
      // made (Postgres down): PgBouncer 1.18 holds the first such one for query_wait_timeout (120 s).
      query_timeout: statementTimeoutMs + connectTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle client lost its connection (the server went away): the pool drops it, and the
    // next query reconnects or fails on its own. Logged without the connection string.
    pool.on('error', (error: Error & { code?: string }) =>
      logger.warn({ err: { message: error.message, code: error.code } }, 'idle database connection failed'),
    );
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    this.preparedStatements = preparedStatements;
  }

  /**
   * A fixed statement for the pool: named (prepared once per connection, about 60 µs of CPU
   * less per execution, measured) with DATABASE_PREPARED_STATEMENTS, unnamed otherwise.
   */
  statement(name: string, text: string, values: unknown[]): QueryConfig {
    return this.preparedStatements ? { name, text, values } : { text, values };
  }

  /**
   * Tagged SQL (`Prisma.sql`) as a pool statement, named like `statement()` with
   * DATABASE_PREPARED_STATEMENTS (unnamed otherwise: a transaction-mode PgBouncer cannot keep a
   * statement prepared on one server connection). For the hot writes (create, delete), which run
   * on the pool rather than through `$queryRaw` (whose per-call cost grew with these statements'
   * CTEs, measured with the bench's CPU accounting), and whose CTEs (quota, event
   * head, event row) cost Postgres more to parse and plan than to run: prepared, the create
   * statement costs Postgres about a third less (pgbench, one client). Each distinct text gets a
   * name of its own (`<name>_<n>`), so a statement whose text varies can never be run under
   * another's name; past MAX_NAMED_TEXTS texts, the rest run unnamed.
   */
  sqlStatement(name: string, sql: Prisma.Sql): QueryConfig {
    if (!this.preparedStatements) return { text: sql.text, values: sql.values };
    let named = this.namedTexts.get(sql.text);
    if (named === undefined) {
      if (this.namedTexts.size >= MAX_NAMED_TEXTS) return { text: sql.text, values: sql.values };
      const variants = (this.textsPerName.get(name) ?? 0) + 1;
      this.textsPerName.set(name, variants);
      named = `${name}_${variants}`;
      this.namedTexts.set(sql.text, named);
    }
    return { name: named, text: sql.text, values: sql.values };
  }

  /** Last shutdown phase, after in-flight work (onModuleDestroy) has finished. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
