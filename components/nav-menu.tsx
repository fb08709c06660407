"use client";
/**
 * The portal navigation on small screens: below the md breakpoint the links sit behind a "Menu" button
 * (aria-expanded, aria-controls); Esc closes the menu and returns focus to the button. From md up the
 * links are always shown and the button is hidden.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

export function NavMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <div className="flex items-center justify-between px-4 py-3 md:hidden">
        <a href="/dashboard" className="text-lg font-bold text-brand-900">
          Gatehouse
        </a>
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
          className="rounded border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-50"
        >
          Menu
        </button>
      </div>
      <div id={id} className={open ? "block border-t border-slate-200 md:border-t-0" : "hidden md:block"}>
        {children}
      </div>
    </>
  );
}
