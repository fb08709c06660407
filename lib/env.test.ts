import { afterEach, describe, expect, it } from "vitest";
import { demoSignInEnabled, mode, resetEnvCache } from "./env";

const saved = { ...process.env };
function withEnv(vars: Record<string, string | undefined>) {
  for (const k of ["DATABASE_URL", "GATEHOUSE_MODE", "GATEHOUSE_DEMO_SIGNIN", "NODE_ENV"]) delete process.env[k];
  Object.assign(process.env, Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined)));
  resetEnvCache();
}

describe("demo sign-in", () => {
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  it("is on for the embedded demo database", () => {
    withEnv({});
    expect(mode()).toBe("demo");
    expect(demoSignInEnabled()).toBe(true);
  });

  it("is off on PostgreSQL unless explicitly enabled", () => {
    withEnv({ DATABASE_URL: "postgres://u@127.0.0.1:5432/db", GATEHOUSE_MODE: "demo" });
    expect(demoSignInEnabled()).toBe(false);
    withEnv({ DATABASE_URL: "postgres://u@127.0.0.1:5432/db", GATEHOUSE_MODE: "demo", GATEHOUSE_DEMO_SIGNIN: "1" });
    expect(demoSignInEnabled()).toBe(true);
  });

  it("cannot be enabled in production mode, whatever else is set", () => {
    withEnv({ DATABASE_URL: "postgres://u@127.0.0.1:5432/db", GATEHOUSE_DEMO_SIGNIN: "1" });
    expect(mode()).toBe("production");
    expect(demoSignInEnabled()).toBe(false);
    withEnv({ GATEHOUSE_MODE: "production", GATEHOUSE_DEMO_SIGNIN: "true" });
    expect(demoSignInEnabled()).toBe(false);
  });
});
