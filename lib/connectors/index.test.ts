import { describe, expect, it } from "vitest";
import { createConnector } from "@/lib/connectors/index";
import { ConnectorError } from "@/lib/domain/connector";
import { escapeDnValue, escapeFilterValue, normDn } from "@/lib/connectors/ldap";

const fails = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    expect((e as ConnectorError).retryable).toBe(false);
    return (e as Error).message;
  }
  throw new Error("expected a validation error");
};

describe("createConnector validation", () => {
  it.each([
    ["scim", { baseUrl: "ftp://x" }, { token: "t0ps3cret" }, /SCIM base URL must be an http\(s\) URL/],
    ["scim", { baseUrl: "not a url" }, { token: "t0ps3cret" }, /SCIM base URL must be an http\(s\) URL/],
    ["scim", { baseUrl: "https://x/scim/v2" }, {}, /SCIM bearer token is required/],
    ["scim", { baseUrl: "https://x/scim/v2", pageSize: 0 }, { token: "t0ps3cret" }, /Page size must be at least 1/],
    ["ldap", { url: "http://x", bindDn: "cn=a,dc=x", baseDn: "dc=x" }, { bindPassword: "t0ps3cret" }, /LDAP URL must be an ldap:\/\/ or ldaps:\/\/ URL/],
    ["ldap", { url: "ldap://x", bindDn: "admin", baseDn: "dc=x" }, { bindPassword: "t0ps3cret" }, /Bind DN must be a DN/],
    ["ldap", { url: "ldap://x", bindDn: "cn=a,dc=x", baseDn: "dc=x" }, {}, /LDAP bind password is required/],
    ["postgres", { prefix: "gh_" }, {}, /a connection URL is required/],
    ["postgres", { prefix: "pg_" }, { url: "postgres://u:t0ps3cret@h/db" }, /must not start with pg_/],
    ["postgres", { prefix: "GH" }, { url: "postgres://u:t0ps3cret@h/db" }, /Role prefix must be 2-31 lower-case/],
    ["postgres", { prefix: "gh_", groupPrefix: "grp_" }, { url: "postgres://u:t0ps3cret@h/db" }, /group role prefix must start with the role prefix/],
    ["postgres", { prefix: "gh_" }, { url: "mysql://u:t0ps3cret@h/db" }, /must start with postgres:\/\//],
  ] as const)("%s %j → clear message", (kind, config, secrets, re) => {
    const msg = fails(() => createConnector(kind, config as Record<string, unknown>, secrets as Record<string, string>));
    expect(msg).toMatch(re);
    expect(msg).not.toContain("t0ps3cret");
  });

  it("builds each kind from valid settings", () => {
    expect(createConnector("scim", { baseUrl: "https://app.example/scim/v2" }, { token: "t" }).kind).toBe("scim");
    expect(createConnector("ldap", { url: "ldaps://dir", bindDn: "cn=a,dc=x", baseDn: "dc=x" }, { bindPassword: "p" }).kind).toBe("ldap");
    const pg = createConnector("postgres", { prefix: "gh_", url: "postgres://u@127.0.0.1/db" }, { password: "p" });
    expect(pg.kind).toBe("postgres");
    void pg.close?.();
  });
});

describe("LDAP escaping", () => {
  it("escapes DN values (RFC 4514, hex form) and filter values (RFC 4515)", () => {
    expect(escapeDnValue("a,b+c")).toBe("a\\2cb\\2bc");
    expect(escapeDnValue(" #x ")).toBe("\\20#x\\20");
    expect(escapeDnValue("#x")).toBe("\\23x");
    expect(escapeDnValue('q"\\<>;=')).toBe("q\\22\\5c\\3c\\3e\\3b\\3d");
    expect(escapeFilterValue("a*(b)\\")).toBe("a\\2a\\28b\\29\\5c");
    expect(normDn("UID=Ada , OU=People,dc=X")).toBe("uid=ada,ou=people,dc=x");
  });
});
