export * from './template.types';
export * from './prisma.service';
export * from './template.repository';
export * from './db.module';
export * from './migrations/migrator';
export * from './idempotency.repository';
