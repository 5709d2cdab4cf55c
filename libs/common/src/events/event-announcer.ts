/**
 * "An org's event log grew": what a process that committed events tells the API replicas
 * that stream them, after the commit. The log stays the source of truth; an announcement
 * is only a prompt to read it, so one that is lost (a process that died after its commit,
 * Redis away) costs a stream the time to its next heartbeat, which reads the log again.
 *
 * The contract lives here, between libs/db (whose EventCommits announces) and libs/queue
 * (whose Redis pub/sub carries it): neither library imports the other.
 */
export const EVENT_ANNOUNCER = Symbol('EVENT_ANNOUNCER');

export interface EventAnnouncer {
  /** Tells every listening replica that these orgs' logs grew. Never rejects. */
  announce(orgIds: readonly string[]): Promise<void>;
}

/** What a listener hears: an org's log grew, or it is (again) subscribed and anything may have been missed. */
export interface EventAnnouncementHandlers {
  appended(orgId: string): void;
  resynced(): void;
}
