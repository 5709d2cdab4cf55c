import { Writable } from 'node:stream';
import { createLogger } from './logging';

describe('createLogger redaction', () => {
  it('removes credentials wherever they are logged', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger({ log: { level: 'info', pretty: false } }, 'test', sink);
    logger.info({ req: { headers: { authorization: 'Bearer eyJ.secret.sig' } } }, 'request');
    logger.info({ body: { oci_registry_token: 'ghp_secret' }, oci_registry_token: 'ghp_secret2', password: 'p4ss', token: 't0k' }, 'values');
    logger.info({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 'outbound');
    const text = lines.join('');
    for (const secret of ['eyJ.secret.sig', 'ghp_secret', 'ghp_secret2', 'p4ss', 't0k', 'dXNlcjpwYXNz']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
