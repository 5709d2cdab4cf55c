/** The STS Query protocol's XML answers, as AWS writes them (namespace, Result wrapper, ErrorResponse). */
import { randomUUID } from 'node:crypto';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function assumeRoleXml(
  roleArn: string,
  sessionName: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  expiration: Date,
): string {
  const account = roleArn.split(':')[4];
  const roleName = roleArn.split('/').pop() ?? 'role';
  return `<AssumeRoleResponse xmlns="${NAMESPACE}">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${escapeXml(credentials.accessKeyId)}</AccessKeyId>
      <SecretAccessKey>${escapeXml(credentials.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${escapeXml(credentials.sessionToken)}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${escapeXml(account)}:assumed-role/${escapeXml(roleName)}/${escapeXml(sessionName)}</Arn>
      <AssumedRoleId>AROA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}:${escapeXml(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

export function stsErrorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NAMESPACE}">
  <Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>`;
}
