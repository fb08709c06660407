/**
 * Test fixtures shared by the integration suites: a person row with unique ids and email,
 * overridable field by field.
 */
import { randomUUID } from "node:crypto";
import type { people } from "@/db/schema";

export function testPerson(name: string, extra: Partial<typeof people.$inferInsert> = {}) {
  return {
    id: randomUUID(),
    employeeId: `E-${name}-${randomUUID().slice(0, 6)}`,
    givenName: name,
    familyName: "Test",
    displayName: `${name} Test`,
    email: `${name.toLowerCase()}@example.test`,
    department: "Engineering",
    title: "Engineer",
    location: "Remote",
    ...extra,
  } satisfies typeof people.$inferInsert;
}
