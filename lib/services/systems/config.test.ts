import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { auditableUrl, endpointOf, storedSecretsFor } from "./config";

describe("endpointOf / storedSecretsFor (secrets never follow a changed address)", () => {
  it("normalises scheme, host and default port", () => {
    expect(endpointOf("scim", { baseUrl: "HTTPS://Apps.Example.com/scim/v2" })).toBe("https://apps.example.com:443");
    expect(endpointOf("ldap", { url: "ldap://dir.example.com" })).toBe("ldap://dir.example.com:389");
    expect(endpointOf("postgres", { url: "postgresql://db.example.com/app" })).toBe("postgres://db.example.com:5432");
    expect(endpointOf("postgres", {}, { url: "postgres://u:p@db2.example.com:6543/app" })).toBe("postgres://db2.example.com:6543");
    expect(endpointOf("manual", { slaHours: 4 })).toBeNull();
  });

  const ldap = { url: "ldaps://dir.example.com", bindDn: "cn=admin,dc=x", baseDn: "dc=x" };
  it("keeps the stored LDAP password for the same endpoint (explicit default port, other DN)", () => {
    expect(storedSecretsFor("ldap", { config: ldap, secrets: { bindPassword: "pw" } }, { config: { ...ldap, url: "ldaps://DIR.example.com:636", baseDn: "dc=y" } })).toEqual({ bindPassword: "pw" });
  });
  it.each([
    ["another host", "ldaps://evil.example"],
    ["another port", "ldaps://dir.example.com:1636"],
    ["another scheme", "ldap://dir.example.com:636"],
  ])("refuses to reuse the LDAP password for %s", (_what, url) => {
    expect(() => storedSecretsFor("ldap", { config: ldap, secrets: { bindPassword: "pw" } }, { config: { ...ldap, url }, incoming: { bindPassword: "" } })).toThrow(ValidationError);
  });
  it("accepts the change when the secret is typed again, and then uses none of the stored ones", () => {
    expect(storedSecretsFor("ldap", { config: ldap, secrets: { bindPassword: "pw" } }, { config: { ...ldap, url: "ldaps://new.example" }, incoming: { bindPassword: "new" } })).toEqual({});
  });
  it("PostgreSQL: a new URL secret to another host needs the stored password typed again too", () => {
    const stored = { config: { prefix: "gh_" }, secrets: { url: "postgres://gh@db.example.com/app", password: "pw" } };
    expect(() => storedSecretsFor("postgres", stored, { config: { prefix: "gh_" }, incoming: { url: "postgres://gh@evil.example/app" } })).toThrow(/password again/);
    expect(storedSecretsFor("postgres", stored, { config: { prefix: "gh_" }, incoming: { url: "postgres://gh@db.example.com/other" } })).toEqual(stored.secrets);
  });
  it("the audited URL carries no credentials", () => {
    expect(auditableUrl("postgres", {}, { url: "postgres://gh:s3cret@db.example.com:5433/app?sslmode=require" })).toBe("postgres://db.example.com:5433/app");
  });
});
