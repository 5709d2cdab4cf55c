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
    logger.info({ body: { secret: 'cred-s3cret', aws_secret_access_key: 'aws-s3cret' }, credentials: { secretAccessKey: 'sdk-s3cret', sessionToken: 'sess-t0k' } }, 'credentials');
    const text = lines.join('');
    const secrets = ['eyJ.secret.sig', 'ghp_secret', 'ghp_secret2', 'p4ss', 't0k', 'dXNlcjpwYXNz', 'cred-s3cret', 'aws-s3cret', 'sdk-s3cret', 'sess-t0k'];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
