/**
 * Gate an integration suite on a real server being installed.
 *
 *   const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
 *   describeLdap("LDAP connector", () => { ... });
 *
 * - available → the suite runs (plain `describe`).
 * - missing, CI set (process.env.CI truthy) → the suite FAILS with one test carrying `reason`, so a CI
 *   machine without the server cannot pass silently.
 * - missing on a laptop → the suite is skipped (`describe.skip`) and a console message says what is missing
 *   and how to install it.
 */
import { describe, it } from "vitest";

type SuiteFn = (name: string, fn: () => void) => void;

export function isCI(): boolean {
  const v = process.env.CI;
  return !!v && v !== "0" && v.toLowerCase() !== "false";
}

export function requireOrSkip(name: string, available: boolean, reason: string): SuiteFn {
  if (available) return (title, fn) => describe(title, fn);
  if (isCI()) {
    return (title) =>
      describe(title, () => {
        it(`requires ${name}`, () => {
          throw new Error(`${name} is required in CI but is missing: ${reason}`);
        });
      });
  }
  return (title, fn) => {
    console.warn(`[skip] "${title}": ${name} is not available here. ${reason}`);
    describe.skip(title, fn);
  };
}
