export * from './keyrings';
export * from './registry-token-cipher';
export * from './webhook-secret-cipher';
export * from './crypto.module';
export * from './dev-token-key';
