import { getDb } from "@/db/client";
import { logUnexpected, newReference } from "@/lib/errors";
import { scimServerError, serveDemoScim } from "@/lib/services/provisioning/demo-scim";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ app: string; path: string[] }> };

/**
 * A demo application's SCIM 2.0 endpoint (Users, Groups, ServiceProviderConfig). Its state lives in the separate
 * demo_apps schema; authentication is the app's own bearer token (checked in serveDemoScim, never logged).
 */
async function handle(request: Request, { params }: Params): Promise<Response> {
  const { app, path } = await params;
  try {
    return await serveDemoScim(await getDb(), app, path ?? [], request);
  } catch (e) {
    logUnexpected("demo-apps scim", newReference(), e);
    return scimServerError();
  }
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
