import { asc, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { applications, entitlements } from "@/db/schema";

/** Applications with their entitlements, for matching names found in uploaded files. */
export async function catalogForMatching(db: Queryable) {
  const apps = await db.select({ id: applications.id, key: applications.key, name: applications.name }).from(applications);
  const ents = await db
    .select({ id: entitlements.id, applicationId: entitlements.applicationId, name: entitlements.name, externalId: entitlements.externalId, level: entitlements.level })
    .from(entitlements)
    .orderBy(asc(sql`CASE ${entitlements.level} WHEN 'read' THEN 0 WHEN 'edit' THEN 1 ELSE 2 END`), asc(entitlements.name));
  return { apps, ents };
}
