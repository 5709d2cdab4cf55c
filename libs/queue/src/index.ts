export * from './validation-queue';
export * from './redis-connection';
export * from './validation-queue.producer';
export * from './queue.module';
