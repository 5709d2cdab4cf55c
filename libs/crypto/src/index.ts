export * from './registry-token-cipher';
export * from './crypto.module';
export * from './dev-token-key';
