import { describe, expect, it } from "vitest";
import { safeCallbackPath, safeRedirectUrl } from "./safe-callback";

describe("safeCallbackPath (open redirect)", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/reviews/1?tab=open#x", "/reviews/1?tab=open#x"],
    ["/requests/new?app=crm%20prod", "/requests/new?app=crm%20prod"],
    ["/", "/"],
  ])("keeps the same-origin path %s", (raw, want) => {
    expect(safeCallbackPath(raw)).toBe(want);
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/%5Cevil.example/x",
    "/%5cevil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%252F/evil.example",
    "https://evil.example/x",
    "https:evil.example",
    "http://gatehouse.invalid/x",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/%09/evil.example",
    "/%E0%A4%A",
    "evil.example",
    "",
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/dashboard");
  });

  it("refuses non-strings and very long values", () => {
    expect(safeCallbackPath(undefined)).toBe("/dashboard");
    expect(safeCallbackPath(["/x"])).toBe("/dashboard");
    expect(safeCallbackPath(`/${"a".repeat(3000)}`)).toBe("/dashboard");
  });
});

describe("safeRedirectUrl (next-auth redirect callback)", () => {
  const base = "https://gatehouse.example.com";
  it("accepts relative paths and absolute URLs on our origin", () => {
    expect(safeRedirectUrl("/reviews", base)).toBe("https://gatehouse.example.com/reviews");
    expect(safeRedirectUrl("https://gatehouse.example.com/audit?x=1", base)).toBe("https://gatehouse.example.com/audit?x=1");
  });
  it.each(["//evil.example/x", "/\\evil.example/x", "https://evil.example/x", "https://gatehouse.example.com.evil.example/", "http://gatehouse.example.com/x"])(
    "sends %j to the base URL",
    (url) => {
      expect(safeRedirectUrl(url, base)).toBe(base);
    },
  );
});
