export * from './validation-queue';
export * from './redis-connection';
export * from './validation-queue.producer';
export * from './validation-queue.consumer';
export * from './redis-health';
export * from './queue.module';
export * from './event-stream-slots';
