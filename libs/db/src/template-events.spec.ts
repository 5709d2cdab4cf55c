import { templateUpdated, TemplateFieldsRow } from './template-events';

const current: TemplateFieldsRow = {
  name: 'pytorch',
  description: 'before',
  category: 'training',
  image: 'registry.example/team/pytorch:1',
  oci_registry_username: 'robot',
  has_token: true,
  registry_credential_id: null,
};

describe('templateUpdated', () => {
  it('names only the fields that change, before and after', () => {
    expect(templateUpdated('t1', current, { description: 'after' })).toEqual({
      type: 'template.updated',
      subjectId: 't1',
      data: { before: { description: 'before' }, after: { description: 'after' }, registry_token_replaced: false },
    });
  });

  it('is null when nothing changes, the same values sent again included', () => {
    expect(templateUpdated('t1', current, {})).toBeNull();
    expect(templateUpdated('t1', current, { name: 'pytorch', category: 'training' })).toBeNull();
  });

  it('records a switch to a registry credential and the inline fields it drops', () => {
    const event = templateUpdated('t1', current, { credentials: { kind: 'registry_credential', registryCredentialId: 'c1' } });
    expect(event?.data).toEqual({
      before: { oci_registry_username: 'robot', has_registry_token: true, registry_credential_id: null },
      after: { oci_registry_username: null, has_registry_token: false, registry_credential_id: 'c1' },
      registry_token_replaced: false,
    });
  });

  it('says a token was replaced without saying anything of it', () => {
    const event = templateUpdated('t1', current, { credentials: { kind: 'inline', username: 'robot', ciphertext: Buffer.from([1, 2]) } });
    expect(event?.data).toEqual({ before: {}, after: {}, registry_token_replaced: true });
  });
});
