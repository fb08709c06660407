"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

type Persona = { id: string; persona: string; displayName: string; title: string; department: string };

const personaLabel: Record<string, string> = {
  employee: "Employee",
  manager: "Manager",
  app_owner: "Application owner",
  admin: "Admin",
  auditor: "Auditor",
};

export function PersonaButtons({ personas, callbackUrl }: { personas: Persona[]; callbackUrl: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <ul className="space-y-2">
      {personas.map((p) => (
        <li key={p.id}>
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => {
              setBusy(p.id);
              void signIn("demo", { personId: p.id, callbackUrl });
            }}
            className="flex w-full items-center justify-between rounded-md border border-slate-300 bg-white px-4 py-3 text-left hover:border-brand-600 hover:bg-brand-50 disabled:opacity-60"
          >
            {/* No aria-label: the accessible name is the visible text ("Employee Chloe Myers · Solutions Engineer, Sales"),
                so what speech input users see is what they can say; the section heading says what the buttons do. */}
            <span>
              <span className="block font-medium">{personaLabel[p.persona] ?? p.persona}</span>
              <span className="block text-sm text-slate-600">
                <span data-testid="persona-name">{p.displayName}</span> · {p.title}, {p.department}
              </span>
            </span>
            <span aria-hidden="true" className="text-slate-600">{busy === p.id ? "…" : "→"}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function SsoButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  return (
    <button
      type="button"
      onClick={() => void signIn("oidc", { callbackUrl })}
      className="w-full rounded-md bg-brand-600 px-4 py-3 font-medium text-white hover:bg-brand-700"
    >
      Sign in with {name}
    </button>
  );
}
