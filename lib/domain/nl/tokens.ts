/**
 * Tokens of a request ("Tom's" → "tom" + possessive, emails whole) and the helpers the tagging passes use to claim them.
 */
import { compact, normalizeFlat } from "./fuzzy";
import { STOP } from "./vocabulary";


export type Tok = {
  raw: string;
  norm: string;
  start: number;
  end: number;
  possessive: boolean;
  email: boolean;
  /** Which pass claimed the token (undefined = free). */
  tag?: string;
};

export function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+|[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*['’]?|&/gu;
  for (const m of text.matchAll(re)) {
    let raw = m[0];
    const start = m.index ?? 0;
    const email = raw.includes("@");
    let possessive = false;
    let core = raw;
    if (!email) {
      if (/['’]s$/i.test(core)) {
        possessive = true;
        core = core.slice(0, -2);
      } else if (/['’]$/.test(core)) {
        possessive = true;
        core = core.slice(0, -1);
      }
    }
    raw = m[0];
    const norm = email ? core.toLowerCase() : compact(normalizeFlat(core));
    if (!norm) continue;
    out.push({ raw, norm, start, end: start + raw.length, possessive, email });
  }
  return out;
}

export const isFree = (t: Tok | undefined) => !!t && t.tag === undefined;
export const phraseAt = (toks: Tok[], i: number, phrase: string): number => {
  const words = phrase.split(" ");
  for (let k = 0; k < words.length; k++) {
    const t = toks[i + k];
    if (!isFree(t) || t.norm !== words[k]) return 0;
    if (k < words.length - 1 && t.possessive) return 0;
  }
  return words.length;
};
export const claim = (toks: Tok[], i: number, n: number, tag: string) => {
  for (let k = i; k < i + n; k++) toks[k].tag = tag;
};
export const textOf = (text: string, toks: Tok[], i: number, n: number) => text.slice(toks[i].start, toks[i + n - 1].end);

/** Where a peer description ends: before "for/to/onto <someone>" naming who receives the access. */
export function peerEnd(toks: Tok[], from: number): number {
  for (let k = from + 1; k < toks.length; k++) if (["for", "to", "onto"].includes(toks[k].norm) && toks[k + 1] && !STOP.has(toks[k + 1].norm)) return k;
  return toks.length;
}
