import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The Prisma 7 client over node-postgres. Connections fail fast (connect timeout) and
 * statements are bounded (statement_timeout), so a sick database turns into 503s rather
 * than hanging requests.
 *
 * The same pg pool is exposed as `pool` for the two hottest reads (get one, list a page):
 * measured with `npm run bench`, Prisma's query compiler was the largest cost of a GET and
 * kept the API far below a bare Fastify + pg server; plain parameterized SQL on the shared
 * pool is what closes that gap. Everything else goes through Prisma.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { url, poolSize, connectTimeoutMs, statementTimeoutMs } = config.database;
    const pool = new Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // Idle-client errors (the server went away) surface on the next query instead.
    pool.on('error', () => undefined);
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
