import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { PrismaClient } from './generated/prisma/client';

/**
 * The Prisma 7 client over node-postgres. Connections fail fast (connect timeout) and
 * statements are bounded (statement_timeout), so a sick database turns into 503s rather
 * than hanging requests.
 *
 * The same pg pool is exposed as `pool` for the API's hot reads (TemplateReadRepository).
 * Internal to libs/db: apps reach the database only through the repositories and
 * DatabaseHealth, never through this class.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) logger: Logger) {
    const { url, poolSize, connectTimeoutMs, statementTimeoutMs } = config.database;
    const pool = new Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle client lost its connection (the server went away): the pool drops it, and the
    // next query reconnects or fails on its own. Logged without the connection string.
    pool.on('error', (error: Error & { code?: string }) =>
      logger.warn({ err: { message: error.message, code: error.code } }, 'idle database connection failed'),
    );
    super({
      adapter: new PrismaPg(
        pool,
        {
          // Named statements are prepared once per connection and reused.
          statementNameGenerator: (query) => `p_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`,
        },
      ),
    });
    this.pool = pool;
  }

  /** Last shutdown phase, after in-flight work (onModuleDestroy) has finished. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
