/**
 * Fuzzy string matching for the plain-language request parser.
 *
 * Inputs: short strings typed by a person (names, application names, titles) and the
 * directory's canonical strings. Outputs: normalised forms, edit distances, similarity
 * scores and a ranked best-match search over candidate keys.
 *
 * Method:
 * - normalise: Unicode NFKD, strip combining marks, lower-case, split camelCase
 *   ("AdministratorAccess" → "administrator access"), every non-letter/digit → one space.
 * - Damerau-Levenshtein distance in its "optimal string alignment" form (insert, delete,
 *   substitute, swap of two adjacent letters each cost 1; no substring edited twice).
 *   O(|a|·|b|) time, O(|b|) extra space with three rolling rows.
 * - Jaro-Winkler similarity (prefix scale 0.1, up to 4 prefix letters), used only to rank
 *   "Did you mean …" suggestions below the accept threshold. O(|a|·|b|) worst case.
 * - Accept threshold: an edit budget by the longer length (≤4 letters: exact only;
 *   5-7: one edit; ≥8: two edits), and a fuzzy (non-exact) match must keep the first
 *   letter unless the strings are 8+ letters: misspellings rarely change the first letter,
 *   and this keeps "soon" from becoming "Zoom". Spaces are ignored when comparing
 *   ("git hub" = "github").
 * - singularise: a small English rule set (ies→y, sses→ss, ches/shes/xes→-es, s→∅) applied
 *   to both sides so "solutions engineers" meets "Solutions Engineer".
 */

/** Lower-case, accent-free, camelCase split, punctuation → single spaces, trimmed. */
export function normalize(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** `normalize` without the camelCase split (for matching what a user typed as one word). */
export function normalizeFlat(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Spaces removed: "git hub" and "GitHub" both become "github". */
export function compact(s: string): string {
  return s.replace(/\s+/g, "");
}

/** Optimal-string-alignment Damerau-Levenshtein distance. */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/** Jaro-Winkler similarity in [0, 1]. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Array<boolean>(a.length).fill(false);
  const bHit = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!bHit[j] && a[i] === b[j]) {
        aHit[i] = bHit[j] = true;
        matches++;
        break;
      }
    }
  }
  if (!matches) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const t = halfTranspositions / 2;
  const jaro = (matches / a.length + matches / b.length + (matches - t) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Edits allowed between two strings, by the longer one's length. */
export function editBudget(len: number): number {
  if (len <= 4) return 0;
  if (len <= 7) return 1;
  return 2;
}

export type MatchQuality = { score: number; distance: number; exact: boolean };

/**
 * Compare what was typed with a canonical key (both normalised first). Returns null when
 * the pair is beyond the edit budget; otherwise score = 1 - distance / longer length.
 */
export function matchKey(typed: string, key: string): MatchQuality | null {
  return matchPrepared(compact(normalize(typed)), compact(normalize(key)));
}

/** `matchKey` on strings already passed through compact(normalize(·)). */
export function matchPrepared(a: string, b: string): MatchQuality | null {
  if (!a || !b) return null;
  if (a === b) return { score: 1, distance: 0, exact: true };
  const len = Math.max(a.length, b.length);
  if (Math.abs(a.length - b.length) > editBudget(len)) return null;
  if (a[0] !== b[0] && len < 8) return null;
  const d = damerauLevenshtein(a, b);
  if (d > editBudget(len)) return null;
  return { score: 1 - d / len, distance: d, exact: false };
}

export type Candidate<T> = { value: T; keys: string[]; /** compact(normalize(key)) per key, filled by prepare() */ prepared?: string[] };

/** Normalise every key once, so a search over thousands of candidates does no string work per key. */
export function prepare<T>(candidates: Candidate<T>[]): Candidate<T>[] {
  return candidates.map((c) => ({ ...c, prepared: c.keys.map((k) => compact(normalize(k))) }));
}
export type Ranked<T> = { value: T; key: string; score: number; exact: boolean };

/**
 * Every candidate that one of its keys accepts, best score first (ties keep input order).
 * When any candidate matches exactly, only the exact matches are returned.
 */
export function bestMatches<T>(typed: string, candidates: Candidate<T>[]): Ranked<T>[] {
  const out: Ranked<T>[] = [];
  const t = compact(normalize(typed));
  for (const c of candidates) {
    let best: Ranked<T> | null = null;
    for (let i = 0; i < c.keys.length; i++) {
      const m = matchPrepared(t, c.prepared?.[i] ?? compact(normalize(c.keys[i])));
      if (m && (!best || m.score > best.score)) best = { value: c.value, key: c.keys[i], score: m.score, exact: m.exact };
    }
    if (best) out.push(best);
  }
  const exact = out.filter((r) => r.exact);
  const list = exact.length ? exact : out;
  return list.map((r, i) => ({ r, i })).sort((x, y) => y.r.score - x.r.score || x.i - y.i).map((x) => x.r);
}

/** The closest candidates by Jaro-Winkler regardless of threshold (for suggestions). */
export function closest<T>(typed: string, candidates: Candidate<T>[], limit = 3, floor = 0.7): Array<{ value: T; key: string; score: number }> {
  const t = compact(normalize(typed));
  const scored = candidates.map((c, i) => {
    let best = { key: c.keys[0] ?? "", score: 0 };
    for (let i = 0; i < c.keys.length; i++) {
      const s = jaroWinkler(t, c.prepared?.[i] ?? compact(normalize(c.keys[i])));
      if (s > best.score) best = { key: c.keys[i], score: s };
    }
    return { value: c.value, key: best.key, score: best.score, i };
  });
  return scored
    .filter((s) => s.score >= floor)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, limit)
    .map(({ value, key, score }) => ({ value, key, score }));
}

/** English plural → singular for one lower-case word (titles, departments, teams). */
export function singularizeWord(w: string): string {
  if (w.length <= 3) return w;
  if (/(ss|us|is)$/.test(w)) return w;
  if (/ies$/.test(w) && w.length > 4) return w.slice(0, -3) + "y";
  if (/sses$/.test(w)) return w.slice(0, -2);
  if (/(ches|shes|xes|zes)$/.test(w)) return w.slice(0, -2);
  if (/s$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Singularise every word of a normalised phrase. */
export function singularize(phrase: string): string {
  return normalize(phrase).split(" ").filter(Boolean).map(singularizeWord).join(" ");
}
