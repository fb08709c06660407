"use client";
/**
 * Submit a client form to a server action WITHOUT React 19's automatic form reset. A `<form action={fn}>` is reset
 * after its action runs (uncontrolled fields go back to their defaults, and controlled <select>s and checkboxes come
 * back showing the default option too, because nothing re-renders them), so a form with a preview or test step would
 * lose what was picked before its apply. Used as `onSubmit`: the browser still validates `required` fields (unless
 * the button has formNoValidate), the FormData includes the clicked button's name/value, and `run` dispatches the
 * useActionState action inside a transition.
 */
import { startTransition, type FormEvent } from "react";

export function submitKeepingValues(run: (form: FormData, submitter: HTMLElement | null) => void) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = ((e.nativeEvent as SubmitEvent).submitter ?? null) as HTMLElement | null;
    const form = new FormData(e.currentTarget, submitter);
    startTransition(() => run(form, submitter));
  };
}
