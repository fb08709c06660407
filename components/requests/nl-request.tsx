"use client";
import { useActionState, useRef, useState } from "react";
import type { CreateState, DraftState } from "@/app/(portal)/requests/new/actions";
import { RequestOutcome } from "./request-form";

type DraftAct = (prev: DraftState, form: FormData) => Promise<DraftState>;
type CreateAct = (prev: CreateState, form: FormData) => Promise<CreateState>;
type Draft = Extract<NonNullable<NonNullable<DraftState>["draft"]>, { kind: "draft" }>;
const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * "Describe what you need": text → draft (with the parser's explanation) → the requester confirms → submitted.
 * An ambiguous reading comes back as a question; the chosen answer is sent again with the same text, and only with
 * that text (the server drops answers given for another sentence). Each new reading gets its own confirmation
 * box (keyed by the reading's id), so a submitted request never hides the next draft.
 */
export function NlRequest({ draftAction, createAction, examples }: { draftAction: DraftAct; createAction: CreateAct; examples: string[] }) {
  const [state, formAction, pending] = useActionState(draftAction, null);
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [choicesFor, setChoicesFor] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const d = state?.draft;
  const answer = (fieldName: string, id: string) => {
    const next = { ...(state?.choices ?? {}), ...choices, [fieldName]: id };
    setChoices(next);
    setChoicesFor(state?.text ?? "");
    // Re-read the same text with the answer, once React has rendered the hidden inputs.
    setTimeout(() => formRef.current?.requestSubmit(), 0);
  };
  return (
    <div className="space-y-3">
      <form ref={formRef} action={formAction} className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-80 flex-1 flex-col text-xs font-medium text-slate-600">
          Describe what you need
          <input name="text" defaultValue={state?.text ?? ""} maxLength={500} className={field} placeholder={examples[0]} />
        </label>
        <input type="hidden" name="choices" value={JSON.stringify(choices)} />
        <input type="hidden" name="choicesFor" value={choicesFor} />
        <button disabled={pending} className="rounded-md border border-brand-600 px-4 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">
          {pending ? "Reading…" : "Draft my request"}
        </button>
      </form>
      <p className="text-xs text-slate-600">For example: {examples.map((e) => `“${e}”`).join(", ")}. Nothing is requested until you confirm.</p>
      {state && !state.ok && <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>}
      {d?.kind === "not_understood" && (
        <div role="alert" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>{d.message}</p>
          {d.suggestions.length > 0 && <ul className="mt-1 list-disc pl-5">{d.suggestions.map((s) => <li key={s}>{s}</li>)}</ul>}
        </div>
      )}
      {d?.kind === "ambiguous" && (
        <fieldset className="rounded border border-sky-200 bg-sky-50 p-3 text-sm">
          <legend className="px-1 font-medium">{d.question}</legend>
          <div className="flex flex-wrap gap-2">
            {d.options.map((o) => (
              <button key={o.id} type="button" onClick={() => answer(d.field, o.id)} className="rounded border border-sky-300 bg-white px-3 py-1 hover:bg-sky-100">
                {o.label}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      {d?.kind === "draft" && <ConfirmDraft key={state?.seq ?? d.originalText} d={d} createAction={createAction} />}
    </div>
  );
}

/** One draft's confirmation: its own submit state, so the next draft starts unsubmitted. */
function ConfirmDraft({ d, createAction }: { d: Draft; createAction: CreateAct }) {
  const [submitted, submitAction, submitting] = useActionState(createAction, null);
  if (submitted?.ok && submitted.result) return <RequestOutcome result={submitted.result} />;
  return (
    <form action={submitAction} aria-label="Confirm draft" className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm">
      <p className="font-medium">{d.sentence}</p>
      {d.explanation.length > 0 && <ul className="list-disc pl-5 text-xs text-slate-600">{d.explanation.map((e, i) => <li key={i}>{e}</li>)}</ul>}
      {d.items.length > 0 && (
        <ul className="space-y-1">
          {d.items.map((i) => (
            <li key={i.entitlementId}>
              <input type="hidden" name="entitlementId" value={i.entitlementId} />
              <span className="font-medium">{i.label}</span>
              {i.privileged && " (privileged)"} <span className="text-xs text-slate-600">— {i.why}</span>
            </li>
          ))}
        </ul>
      )}
      {d.problems.length > 0 && <ul role="alert" className="list-disc pl-5 text-amber-900">{d.problems.map((p) => <li key={p}>{p}</li>)}</ul>}
      {d.submittable && (
        <>
          <input type="hidden" name="beneficiaryId" value={d.beneficiary?.id ?? ""} />
          <input type="hidden" name="channel" value="plain_language" />
          <input type="hidden" name="originalText" value={d.originalText} />
          <input type="hidden" name="confirmed" value="yes" />
          {d.durationDays && <input type="hidden" name="durationDays" value={d.durationDays} />}
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Justification
            <textarea name="justification" defaultValue={d.justification} rows={2} className={field} />
          </label>
          <button disabled={submitting} className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {submitting ? "Submitting…" : "Confirm and submit"}
          </button>
        </>
      )}
      {submitted && !submitted.ok && <p role="alert" className="text-rose-800">{submitted.message}</p>}
    </form>
  );
}
