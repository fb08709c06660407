/**
 * The one interface every connected system implements (lib/connectors/<kind>.ts).
 * Pure types: connectors live outside lib/domain because they do I/O.
 *
 * Contract: every method is idempotent. Creating an account that already exists (same
 * userName) links to it and succeeds; granting a held entitlement, revoking an absent one,
 * disabling a disabled account or deleting a missing one all succeed. Errors are thrown as
 * ConnectorError with `retryable` telling the worker whether a retry can help.
 */

export type AccountSpec = {
  /** Stable login name in the target (e.g. the email local part or the email). */
  userName: string;
  externalId?: string | null;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  /** Person id in Gatehouse; written to the target where it has a place for it. */
  personId?: string;
  employeeNumber?: string;
  department?: string;
  title?: string;
  /**
   * The manager's userName in this target; "" or null = no manager (removed on update). LDAP writes the manager
   * entry's DN to `manager`; SCIM the manager's id to the enterprise extension's `manager.value`.
   */
  manager?: string | null;
  active?: boolean;
  /** Password for systems that need one at creation (random, never stored by Gatehouse). */
  password?: string;
};

/** Reference to an account in the target: the id the target gave it, and its login name. */
export type AccountRef = { externalId?: string | null; userName: string };

export type TargetAccount = {
  externalId: string;
  userName: string;
  email?: string | null;
  displayName?: string | null;
  active: boolean;
  /** External ids of the entitlements (groups/roles) it holds in the target. */
  entitlements: string[];
  /** Last sign-in the target records for the account (ISO date-time), and which attribute said so ("ldap:authTimestamp"). */
  lastLoginAt?: string | null;
  lastLoginSource?: string | null;
  raw?: Record<string, unknown>;
};

export type TargetEntitlement = { externalId: string; name: string; kind: "group" | "role" | "permission"; description?: string | null };

export type EnableResult = { credential: "reset" | "none" | "unchanged" };

export type TestResult = { ok: boolean; message: string; details?: Record<string, unknown> };

export interface Connector {
  readonly kind: string;
  testConnection(): Promise<TestResult>;
  createAccount(spec: AccountSpec): Promise<{ externalId: string; userName: string; linked: boolean }>;
  updateAccount(ref: AccountRef, changes: Partial<AccountSpec>): Promise<void>;
  disableAccount(ref: AccountRef): Promise<void>;
  /**
   * Enable a disabled account (a return from leave, a rehire). What happened to its credential is reported so the
   * person's timeline can say it: "reset" (a new random password nobody knows: the person sets theirs through the
   * target's password reset), "none" (the target holds no password, e.g. SCIM apps signing in through SSO).
   */
  enableAccount(ref: AccountRef): Promise<void | EnableResult>;
  deleteAccount(ref: AccountRef): Promise<void>;
  grant(ref: AccountRef, entitlementExternalId: string): Promise<void>;
  revoke(ref: AccountRef, entitlementExternalId: string): Promise<void>;
  listAccounts(): Promise<TargetAccount[]>;
  listEntitlements(): Promise<TargetEntitlement[]>;
  /** Optional: end the person's sessions (sign them out everywhere it can). */
  revokeSessions?(ref: AccountRef): Promise<void>;
  close?(): Promise<void>;
}

export class ConnectorError extends Error {
  constructor(
    message: string,
    public readonly retryable: boolean,
    public readonly status?: number,
  ) {
    super(message);
    this.name = "ConnectorError";
  }
}
