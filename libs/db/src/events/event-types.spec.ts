import { appendEvents } from './event-append';
import { EVENT_TYPE_NAMES, EVENT_TYPES, eventTypePrefixes, isEventTypePattern, matchesEventType } from './event-types';
import { SYSTEM_ORIGIN } from './event.types';

describe('event-type registry', () => {
  it('accepts event types and dotted prefixes of them, nothing else', () => {
    expect(isEventTypePattern('template.created')).toBe(true);
    expect(isEventTypePattern('template.validation.')).toBe(true);
    expect(isEventTypePattern('template.')).toBe(true);
    expect(isEventTypePattern('webhook.')).toBe(true);
    expect(isEventTypePattern('registry_credential.')).toBe(true);
    for (const bad of ['template', 'template.valid', 'template.validation', 'registry_credentials.', 'image_polic', '*', '', 'template.created.']) {
      expect(isEventTypePattern(bad)).toBe(false);
    }
    expect(eventTypePrefixes()).toEqual(['template.', 'template.validation.', 'registry_credential.', 'image_policy.', 'webhook.']);
  });

  it('matches a type by exact name or by prefix', () => {
    expect(matchesEventType(['template.validation.'], 'template.validation.failed')).toBe(true);
    expect(matchesEventType(['template.validation.'], 'template.created')).toBe(false);
    expect(matchesEventType(['template.created', 'webhook.'], 'webhook.disabled')).toBe(true);
    expect(matchesEventType(['template.created'], 'template.created.extra')).toBe(false);
  });

  it('names a subject kind and a strict data schema for every type', () => {
    for (const type of EVENT_TYPE_NAMES) {
      const definition = EVENT_TYPES[type];
      expect(['template', 'registry_credential', 'image_policy', 'webhook']).toContain(definition.subject);
      expect(type.startsWith(`${definition.subject}.`)).toBe(true);
      expect(definition.description.length).toBeGreaterThan(10);
    }
  });

  it('refuses, when an event is written, data with a field its type does not list (a token, say)', () => {
    const data = {
      name: 'n',
      description: '',
      category: 'c',
      image: 'i',
      oci_registry_username: 'u',
      has_registry_token: true,
      registry_credential_id: null,
      oci_registry_token: 'ghp_secret',
    };
    expect(() => appendEvents('gate', [{ type: 'template.created', subjectId: 'x', data } as never], SYSTEM_ORIGIN)).toThrow(/oci_registry_token/);
    const { oci_registry_token: _token, ...allowed } = data;
    expect(() => appendEvents('gate', [{ type: 'template.created', subjectId: 'x', data: allowed }], SYSTEM_ORIGIN)).not.toThrow();
    expect(() => appendEvents('gate', [{ type: 'webhook.secret_rotated', subjectId: 'x', data: { secret: 'whsec_x' } } as never], SYSTEM_ORIGIN)).toThrow();
  });
});
