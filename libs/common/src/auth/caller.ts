/** The authenticated principal of a request, taken from its verified access token. */
export interface Caller {
  /** The token's `sub` claim as given. */
  subject: string;
  /** `sub` when it is a UUID (it becomes `created_by`), else null. */
  userId: string | null;
  /** Organizations the caller belongs to (from the AUTH_ORGS_CLAIM claim). */
  orgs: ReadonlySet<string>;
}

export type RequestWithCaller = { caller?: Caller };
