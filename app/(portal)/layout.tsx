import type { ReactNode } from "react";
import { Nav } from "@/components/nav";
import { requireActor } from "@/lib/auth/session";
import { demoSignInEnabled, isEmbedded } from "@/lib/env";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  return (
    <>
      <Nav actor={actor} demoBanner={demoSignInEnabled() && !isEmbedded()} />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </>
  );
}
