import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The Prisma 7 client over node-postgres. Connections fail fast (connect timeout) and
 * statements are bounded (statement_timeout), so a sick database turns into 503s rather
 * than hanging requests.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { url, poolSize, connectTimeoutMs, statementTimeoutMs } = config.database;
    super({
      adapter: new PrismaPg(
        {
          connectionString: url,
          max: poolSize,
          connectionTimeoutMillis: connectTimeoutMs,
          statement_timeout: statementTimeoutMs,
          idleTimeoutMillis: 30_000,
        },
        {
          // Named statements are prepared once per connection and reused.
          statementNameGenerator: (query) => `p_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`,
          onPoolError: () => undefined, // idle-client errors surface on the next query instead
        },
      ),
    });
  }

  /** Last shutdown phase, after in-flight work (onModuleDestroy) has finished. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
