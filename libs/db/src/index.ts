// PrismaService is deliberately not exported: apps use the repositories and DatabaseHealth.
export * from './template.types';
export * from './template-read.repository';
export * from './template-write.repository';
export * from './template-validation.repository';
export * from './validation-outbox.repository';
export * from './token-rotation.repository';
export * from './idempotency.repository';
export * from './database-health';
export * from './db.module';
export * from './migrations/migrator';
export * from './events/event-types';
export * from './events/event.types';
export * from './events/event-envelope';
export * from './events/event.repository';
export * from './events/event-notification.listener';
