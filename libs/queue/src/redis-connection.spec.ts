import { reconnectOnReadOnly } from './redis-connection';

describe('reconnectOnReadOnly', () => {
  const readOnly = new Error("READONLY You can't write against a read only replica.");

  it('reconnects on READONLY: resending where commands wait for the connection, failing them on fail-fast ones', () => {
    expect(reconnectOnReadOnly(true)(readOnly)).toBe(2);
    expect(reconnectOnReadOnly(false)(readOnly)).toBe(1);
  });

  it('leaves every other error to the caller', () => {
    for (const message of ['ERR unknown command', 'NOSCRIPT No matching script', 'LOADING Redis is loading the dataset in memory', 'WRONGTYPE x']) {
      expect(reconnectOnReadOnly(true)(new Error(message))).toBe(false);
      expect(reconnectOnReadOnly(false)(new Error(message))).toBe(false);
    }
  });
});
