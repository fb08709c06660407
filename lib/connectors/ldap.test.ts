import { describe, expect, it } from "vitest";
import { describeLdapCode, underBase } from "./ldap";

describe("LDAP messages and layout", () => {
  it.each<[number, string | null, string]>([
    [32, "ou=people,dc=x", 'the entry "ou=people,dc=x" does not exist (noSuchObject, result code 32)'],
    [68, "uid=a,ou=people,dc=x", 'an entry "uid=a,ou=people,dc=x" already exists (entryAlreadyExists, result code 68)'],
    [50, "cn=g,ou=groups,dc=x", 'the bind DN is not allowed to do this for "cn=g,ou=groups,dc=x" (insufficientAccessRights, result code 50)'],
    [65, null, "the entry would break its object class (a missing required attribute, or removing the last member of a group) (objectClassViolation, result code 65)"],
    [999, "dc=x", 'the server answered with an unknown result code for "dc=x" (unknown, result code 999)'],
  ])("code %i", (code, dn, text) => {
    expect(describeLdapCode(code, dn)).toBe(text);
  });

  it("OUs are relative to the base DN; one that already ends in it is kept", () => {
    expect(underBase("ou=people", "dc=example,dc=test")).toBe("ou=people,dc=example,dc=test");
    expect(underBase("ou=people,dc=example,dc=test", "dc=example,dc=test")).toBe("ou=people,dc=example,dc=test");
    expect(underBase("OU=People, DC=Example,DC=test", "dc=example,dc=test")).toBe("OU=People, DC=Example,DC=test");
    expect(underBase("ou=a,ou=b", "dc=x")).toBe("ou=a,ou=b,dc=x");
  });
});
