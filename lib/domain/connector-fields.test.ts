import { describe, expect, it } from "vitest";
import { configOfFields, fieldsOfConfig } from "./connector-fields";

describe("typed connector configuration", () => {
  it.each([
    ["scim", { baseUrl: "https://a.example/scim/v2", pageSize: 50 }, { baseUrl: "https://a.example/scim/v2", pageSize: "50" }],
    ["ldap", { url: "ldaps://l.example", bindDn: "cn=gh,dc=x", baseDn: "dc=x", usersOu: "ou=people" }, { url: "ldaps://l.example", bindDn: "cn=gh,dc=x", baseDn: "dc=x", usersOu: "ou=people" }],
    ["postgres", { prefix: "gh_", timeoutMs: 5000 }, { prefix: "gh_", timeoutMs: "5000" }],
    ["manual", { slaHours: 24, instructions: "Remove the user.\nThen confirm." }, { slaHours: "24", instructions: "Remove the user.\nThen confirm." }],
  ] as const)("%s: stored config ⇄ form fields round-trips", (kind, config, fields) => {
    const f = fieldsOfConfig(kind, config);
    expect(f).toEqual({ values: fields, unknownKeys: [] });
    expect(configOfFields(kind, f.values)).toEqual(config);
  });

  it("empty fields are left out; a number field that is not a number stays text for the connector to refuse", () => {
    expect(configOfFields("scim", { baseUrl: " https://a/scim ", pageSize: "", timeoutMs: "soon" })).toEqual({ baseUrl: "https://a/scim", timeoutMs: "soon" });
  });

  it("keys the typed form has no field for are reported (the form then edits JSON), never dropped silently", () => {
    expect(fieldsOfConfig("scim", { baseUrl: "https://a", headers: { x: 1 }, extra: "y" }).unknownKeys).toEqual(["headers", "extra"]);
    expect(fieldsOfConfig("demo", { baseUrl: "https://a" }).unknownKeys).toEqual(["baseUrl"]);
    expect(fieldsOfConfig("demo", { demo: true })).toEqual({ values: {}, unknownKeys: [] });
    expect(configOfFields("demo", {})).toEqual({ demo: true });
  });
});

describe("connector kinds from a form", () => {
  it("an inherited property name is no connector kind (no crash on 'constructor' or '__proto__')", async () => {
    const { configOfFields, isFormKind } = await import("./connector-fields");
    for (const k of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(isFormKind(k)).toBe(false);
      expect(configOfFields(k, { baseUrl: "x" })).toEqual({});
    }
  });
});
