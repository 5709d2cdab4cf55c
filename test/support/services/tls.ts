/**
 * Throwaway certificates made with the openssl CLI: a test CA, a server certificate for
 * localhost / 127.0.0.1 / ::1 signed by it, and (for the token issuer) a self-signed RSA
 * signing certificate. ECDSA P-256 keys for TLS because they are generated in milliseconds.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../processes/child-process';
import { requireExecutable } from '../processes/executables';

export interface TestCertificates {
  /**
   * Holds `ca.crt` and nothing else, so it works as `skopeo --cert-dir` / `--dest-cert-dir`
   * (containers/image rejects a `*.key` there without a matching `*.cert`).
   */
  dir: string;
  caCert: string;
  caKey: string;
  /** Server certificate (SANs: DNS:localhost, IP:127.0.0.1, IP:::1) and its key. */
  cert: string;
  key: string;
}

export interface SigningCertificate {
  cert: string;
  key: string;
}

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signing_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
`;

const VALID_DAYS = '7';

/** The paths createTestCertificates(baseDir) wrote. */
function certificatePaths(baseDir: string): TestCertificates {
  const tlsDir = path.join(baseDir, 'tls');
  const dir = path.join(tlsDir, 'ca-certs');
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(tlsDir, 'ca.key'),
    cert: path.join(tlsDir, 'server.crt'),
    key: path.join(tlsDir, 'server.key'),
  };
}

/**
 * The shared environment's certificates (made under its baseDir by globalSetup): a suite's
 * own servers (a registry, a purpose-built endpoint) serve with them, so the product trusts
 * them through the same test CA.
 */
export function sharedCertificates(environment: { baseDir: string }): TestCertificates {
  return certificatePaths(environment.baseDir);
}

/** Creates `<baseDir>/tls/` with the CA and server certificate. */
export async function createTestCertificates(baseDir: string): Promise<TestCertificates> {
  const openssl = await requireExecutable('openssl', 'openssl');
  const paths = certificatePaths(baseDir);
  await fs.mkdir(paths.dir, { recursive: true });
  const config = await writeConfig(path.dirname(paths.caKey));
  // prettier-ignore
  await runCommand(openssl, [
    'req', '-x509', '-config', config, '-extensions', 'ca_ext',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', paths.caKey, '-out', paths.caCert, '-days', VALID_DAYS,
    '-subj', '/CN=AIRuntime Templates Test CA',
  ]);
  // `req -x509 -CA` (OpenSSL 3) issues the CA-signed certificate in one step.
  // prettier-ignore
  await runCommand(openssl, [
    'req', '-x509', '-config', config, '-extensions', 'server_ext',
    '-CA', paths.caCert, '-CAkey', paths.caKey,
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', paths.key, '-out', paths.cert, '-days', VALID_DAYS,
    '-subj', '/CN=localhost',
  ]);
  return paths;
}

/**
 * Creates, in `dir`, a self-signed RSA certificate for signing RS256 registry tokens. The token registry's
 * `rootcertbundle` is this certificate, and each token carries it in its `x5c` header.
 */
export async function createSigningCertificate(dir: string, commonName: string): Promise<SigningCertificate> {
  const openssl = await requireExecutable('openssl', 'openssl');
  await fs.mkdir(dir, { recursive: true });
  const config = await writeConfig(dir);
  const result = { cert: path.join(dir, 'token-signing.crt'), key: path.join(dir, 'token-signing.key') };
  // prettier-ignore
  await runCommand(openssl, [
    'req', '-x509', '-config', config, '-extensions', 'signing_ext',
    '-newkey', 'rsa:2048', '-nodes',
    '-keyout', result.key, '-out', result.cert, '-days', VALID_DAYS,
    '-subj', `/CN=${commonName}`,
  ]);
  return result;
}

async function writeConfig(dir: string): Promise<string> {
  const file = path.join(dir, 'openssl.cnf');
  await fs.writeFile(file, OPENSSL_CONFIG);
  return file;
}
