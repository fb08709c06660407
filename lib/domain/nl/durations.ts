/**
 * Durations and end dates in plain-language access requests.
 *
 * Input: the request text and `today` (YYYY-MM-DD, injected: the parser never reads a clock).
 * Output: the first duration phrase found — its character span in the text (so the parser can
 * blank it out before looking for names), the number of days, the end date, and a sentence
 * explaining the reading — or an error for a phrase that is recognisably a duration but
 * unusable (a date in the past, an impossible date, more than ten years).
 *
 * Method: a fixed list of regular expressions tried against the lower-cased text, in order:
 * "for N unit(s)" (digits or number words, "a"/"an", "a couple of", "a few", "a fortnight"),
 * "until/till/through <ISO date | weekday | tomorrow | end of week/month/year |
 * Month Day | Day Month>", then "temporarily/temporary/for a while" (default 7 days).
 * Calendar arithmetic in UTC on whole days. O(length of text) per pattern.
 *
 * Conventions: "until Friday" is the first Friday strictly after today; "next Friday" also
 * lists the Friday a week later as an alternative (the parser asks which); a month is 30 days, a year 365; "until 2026-12-31" ends on that date
 * (durationDays = days from today); a month-day without a year is this year's, or next
 * year's if already past.
 */

import * as chrono from "chrono-node";

export const DEFAULT_TEMPORARY_DAYS = 7;
export const MAX_DURATION_DAYS = 3650;

export type DurationFound = {
  kind: "duration";
  durationDays: number;
  until: string;
  start: number;
  end: number;
  text: string;
  explanation: string;
  /** Other end dates the phrase could mean ("next Friday": this coming one, or the one after). */
  alternatives?: string[];
};
export type DurationError = { kind: "error"; start: number; end: number; text: string; message: string };

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, ninety: 90,
  "a couple of": 2, "a couple": 2, couple: 2, "a few": 3, few: 3, several: 3,
};
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, fortnight: 14, month: 30, quarter: 91, year: 365 };
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const WEEKDAY_ABBR: Record<string, number> = { sun: 0, mon: 1, tue: 2, tues: 2, wed: 3, thu: 4, thur: 4, thurs: 4, fri: 5, sat: 6 };
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

const DAY_MS = 86_400_000;

/** Parse YYYY-MM-DD strictly (rejects 2026-02-30). Returns UTC midnight ms or null. */
export function parseIsoDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "Friday 6 March 2026": locale-independent, so the same on every machine. */
export function formatDate(iso: string): string {
  const t = parseIsoDate(iso);
  if (t === null) return iso;
  const d = new Date(t);
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return `${cap(WEEKDAYS[d.getUTCDay()])} ${d.getUTCDate()} ${cap(MONTHS[d.getUTCMonth()])} ${d.getUTCFullYear()}`;
}

export function addDays(today: string, days: number): string {
  const t = parseIsoDate(today);
  if (t === null) throw new Error(`invalid date ${today}`);
  return isoDate(t + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  if (a === null || b === null) throw new Error("invalid date");
  return Math.round((b - a) / DAY_MS);
}

function numberValue(s: string): number | null {
  const t = s.trim().replace(/\s+/g, " ");
  if (/^\d{1,6}$/.test(t)) return Number(t);
  return NUMBER_WORDS[t] ?? null;
}

const NUM = String.raw`(\d{1,6}|a couple of|a couple|a few|several|couple|few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|ninety)`;
const UNIT = String.raw`(days?|weeks?|wks?|fortnights?|months?|mos?|quarters?|years?|yrs?)`;
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const WEEKDAY = String.raw`(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thu(?:rs?)?|fri|sat)`;
const UNTIL = String.raw`(?:until|till|til|through|thru|up to|up until|ending(?: on)?|expiring(?: on)?|expires(?: on)?|before|to)`;
/** An end-date word followed by what may start a date ("until next Tuesday", "till 3/31"); chrono reads what follows. */
const DATE_AFTER_MARKER =
  /\b(?:until|till|til|through|thru|up to|up until|ending(?: on)?|expiring(?: on)?|expires(?: on)?|before|on|to|by)\s+(?=(?:the\s+)?(?:\d|next|this|coming|tomorrow|mid|end|early|late|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun))/g;

function monthIndex(s: string): number {
  return MONTHS.findIndex((m) => m.startsWith(s.slice(0, 3)));
}

function weekdayIndex(s: string): number {
  const i = WEEKDAYS.indexOf(s);
  return i >= 0 ? i : WEEKDAY_ABBR[s] ?? -1;
}

type Hit = { start: number; end: number; text: string; until?: string; days?: number; how: string; error?: string; alternatives?: string[] };

function finish(h: Hit, today: string): DurationFound | DurationError {
  if (h.error) return { kind: "error", start: h.start, end: h.end, text: h.text, message: h.error };
  let days = h.days;
  let until = h.until;
  if (until !== undefined) days = daysBetween(today, until);
  else if (days !== undefined) until = days <= MAX_DURATION_DAYS ? addDays(today, days) : undefined;
  if (days === undefined) return { kind: "error", start: h.start, end: h.end, text: h.text, message: `I couldn't read "${h.text}" as a length of time.` };
  if (days <= 0) return { kind: "error", start: h.start, end: h.end, text: h.text, message: `"${h.text}" is not after today (${today}); choose a later end date.` };
  if (days > MAX_DURATION_DAYS || until === undefined)
    return { kind: "error", start: h.start, end: h.end, text: h.text, message: `"${h.text}" is longer than ten years; ask for standing access instead.` };
  const found: DurationFound = { kind: "duration", durationDays: days, until, start: h.start, end: h.end, text: h.text, explanation: `"${h.text}" ${h.how}: ${days} day${days === 1 ? "" : "s"}, ending ${until}.` };
  if (h.alternatives) found.alternatives = h.alternatives;
  return found;
}

/** Find the first duration phrase in `text`. `today` must be YYYY-MM-DD. */
export function findDuration(text: string, today: string): DurationFound | DurationError | null {
  const todayMs = parseIsoDate(today);
  if (todayMs === null) throw new Error(`today must be YYYY-MM-DD, got ${today}`);
  const lower = text.toLowerCase();
  const hits: Hit[] = [];
  const scan = (re: RegExp, f: (m: RegExpExecArray) => Omit<Hit, "start" | "end" | "text">) => {
    for (const m of lower.matchAll(new RegExp(re.source, "g"))) {
      const start = m.index ?? 0;
      hits.push({ start, end: start + m[0].length, text: text.slice(start, start + m[0].length), ...f(m as RegExpExecArray) });
    }
  };

  // "for two weeks", "for 3 days", "for a month", "for a fortnight", "for the next 5 days"
  scan(new RegExp(String.raw`\b(?:for|over)\s+(?:the\s+next\s+|next\s+)?${NUM}\s+${UNIT}\b`), (m) => {
    const n = numberValue(m[1]);
    const unit = ({ wk: "week", mo: "month", yr: "year" } as Record<string, string>)[m[2].replace(/s$/, "")] ?? m[2].replace(/s$/, "");
    return n === null ? { how: "", error: `I couldn't read "${m[1]}" as a number.` } : { days: n * UNIT_DAYS[unit], how: "read as a length" };
  });
  // "Leo: Zendesk admin, 5 days", "- two weeks": a bare length set off by punctuation at the end of the sentence
  scan(new RegExp(String.raw`[,;:–—-]\s*(\d{1,4}|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+${UNIT}(?=\s*(?:please|pls|thanks)?\s*[.!]*\s*$)`), (m) => {
    const n = numberValue(m[1]);
    const unit = ({ wk: "week", mo: "month", yr: "year" } as Record<string, string>)[m[2].replace(/s$/, "")] ?? m[2].replace(/s$/, "");
    return n === null ? { how: "", error: `I couldn't read "${m[1]}" as a number.` } : { days: n * UNIT_DAYS[unit], how: "read as a length" };
  });
  // "for 48 hours", "for 36 hrs": whole days, rounded up
  scan(new RegExp(String.raw`\b(?:for|over)\s+(?:the\s+next\s+|next\s+)?${NUM}\s+(hours?|hrs?|h)\b`), (m) => {
    const n = numberValue(m[1]);
    return n === null ? { how: "", error: `I couldn't read "${m[1]}" as a number.` } : { days: Math.max(1, Math.ceil(n / 24)), how: "read as a length in whole days" };
  });
  // "for 24h", "for 3d", "for 2wks": digits and a unit written together
  scan(/\b(?:for|over)\s+(?:the\s+next\s+|next\s+)?(\d{1,4})(h|hrs?|d|w|wks?)\b/, (m) => {
    const n = Number(m[1]);
    const u = m[2][0];
    return u === "h" ? { days: Math.max(1, Math.ceil(n / 24)), how: "read as a length in whole days" } : { days: n * (u === "w" ? 7 : 1), how: "read as a length" };
  });
  // "just for tonight", "for today", "until tonight": one day
  scan(/\b(?:for|until|till|til|through|thru)\s+(?:tonight|today)\b/, () => ({ days: 1, how: "read as one day" }));
  // "for the week", "for the day"
  scan(/\bfor\s+the\s+(week|month|day)\b/, (m) => ({ days: UNIT_DAYS[m[1]], how: "read as a length" }));
  // "until 2026-12-31"
  scan(new RegExp(String.raw`\b${UNTIL}\s+(\d{4}-\d{1,2}-\d{1,2})\b`), (m) => {
    const [y, mo, d] = m[1].split("-");
    const iso = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
    return parseIsoDate(iso) === null ? { how: "", error: `"${m[1]}" is not a real date.` } : { until: iso, how: "read as an end date" };
  });
  // "until Friday", "until next Friday", "until this Friday"
  scan(new RegExp(String.raw`\b${UNTIL}\s+(next\s+|this\s+|the\s+coming\s+)?${WEEKDAY}\b`), (m) => {
    const target = weekdayIndex(m[2]);
    const dow = new Date(todayMs).getUTCDay();
    let delta = (target - dow + 7) % 7;
    if (delta === 0) delta = 7;
    const coming = isoDate(todayMs + delta * DAY_MS);
    const hit = { until: coming, how: "read as the coming " + WEEKDAYS[target][0].toUpperCase() + WEEKDAYS[target].slice(1) };
    // "next Friday" said on a Wednesday may mean the day after tomorrow or the week after.
    return m[1]?.trim() === "next" && delta < 7 ? { ...hit, alternatives: [coming, isoDate(todayMs + (delta + 7) * DAY_MS)] } : hit;
  });
  // "until tomorrow"
  scan(new RegExp(String.raw`\b${UNTIL}\s+tomorrow\b`), () => ({ until: isoDate(todayMs + DAY_MS), how: "read as an end date" }));
  // "until the end of the week/month/year", "until end of month", "until EOM"
  scan(new RegExp(String.raw`\b${UNTIL}\s+(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(week|month|year|quarter)\b`), (m) => {
    const d = new Date(todayMs);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    let end: number;
    if (m[1] === "week") end = todayMs + (((5 - d.getUTCDay() + 7) % 7) || 7) * DAY_MS; // the coming Friday
    else if (m[1] === "month") end = Date.UTC(y, mo + 1, 0);
    else if (m[1] === "quarter") end = Date.UTC(y, Math.floor(mo / 3) * 3 + 3, 0);
    else end = Date.UTC(y, 11, 31);
    if (end <= todayMs) end = m[1] === "month" ? Date.UTC(y, mo + 2, 0) : end + 7 * DAY_MS;
    return { until: isoDate(end), how: `read as the end of the ${m[1]}` };
  });
  // "until December 31", "until Dec 31st", "until 31 December", optional year
  const dayMonth = (mo: number, day: number, year: string | undefined): Omit<Hit, "start" | "end" | "text"> => {
    const ty = new Date(todayMs).getUTCFullYear();
    let y = year ? Number(year) : ty;
    let t = Date.UTC(y, mo, day);
    if (new Date(t).getUTCDate() !== day) return { how: "", error: "That day does not exist in that month." };
    if (!year && t <= todayMs) {
      y += 1;
      t = Date.UTC(y, mo, day);
    }
    return { until: isoDate(t), how: "read as an end date" };
  };
  scan(new RegExp(String.raw`\b${UNTIL}\s+${MONTH}\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`), (m) => dayMonth(monthIndex(m[1]), Number(m[2]), m[3]));
  scan(new RegExp(String.raw`\b${UNTIL}\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}\b(?:,?\s+(\d{4})\b)?`), (m) => dayMonth(monthIndex(m[2]), Number(m[1]), m[3]));
  // "until end of quarter", "through EOQ", "for the rest of the month", "end of Q3"
  const periodEnd = (unit: string): Omit<Hit, "start" | "end" | "text"> => {
    const d = new Date(todayMs);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    const u = unit.toLowerCase();
    let end: number;
    if (u === "week" || u === "w") end = todayMs + (((5 - d.getUTCDay() + 7) % 7) || 7) * DAY_MS;
    else if (u === "month" || u === "m") end = Date.UTC(y, mo + 1, 0);
    else if (u === "year" || u === "y") end = Date.UTC(y, 11, 31);
    else if (/^q[1-4]$/.test(u)) {
      const q = Number(u[1]);
      end = Date.UTC(y, q * 3, 0);
      if (end <= todayMs) end = Date.UTC(y + 1, q * 3, 0);
    } else end = Date.UTC(y, Math.floor(mo / 3) * 3 + 3, 0);
    if (end <= todayMs) end = u.startsWith("m") ? Date.UTC(y, mo + 2, 0) : u.startsWith("w") ? end + 7 * DAY_MS : end;
    const name = ({ w: "week", m: "month", q: "quarter", y: "year" } as Record<string, string>)[u] ?? u.toUpperCase().replace(/^(WEEK|MONTH|QUARTER|YEAR)$/, (x) => x.toLowerCase());
    return { until: isoDate(end), how: `read as the end of the ${name}` };
  };
  scan(/\b(?:(?:until|till|til|through|thru|to|up to|before|by)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(week|month|quarter|year|q[1-4])\b/, (m) => periodEnd(m[1]));
  // "till the end of next week / next month"
  scan(/\b(?:(?:until|till|til|through|thru|to|up to|before|by)\s+)?(?:the\s+)?end\s+of\s+next\s+(week|month)\b/, (m) => {
    const d = new Date(todayMs);
    const end = m[1] === "week" ? todayMs + ((((5 - d.getUTCDay() + 7) % 7) || 7) + 7) * DAY_MS : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 0);
    return { until: isoDate(end), how: `read as the end of next ${m[1]}` };
  });
  scan(/\b(?:(?:until|till|til|through|thru|to|before|by)\s+)?eo(w|m|q|y)\b/, (m) => periodEnd(m[1]));
  scan(/\bfor\s+the\s+rest\s+of\s+(?:the\s+|this\s+)?(week|month|quarter|year)\b/, (m) => periodEnd(m[1]));
  // "on the 31st", "until the 15th", "till the 3rd": a day of this month (next month's once it has passed)
  scan(new RegExp(String.raw`\b(?:on|until|till|til|through|thru|before|up to|ending(?: on)?)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?${MONTH})`), (m) => {
    const d = new Date(todayMs);
    const day = Number(m[1]);
    let y = d.getUTCFullYear();
    let mo = d.getUTCMonth();
    if (day <= d.getUTCDate()) mo += 1;
    if (mo > 11) {
      mo = 0;
      y += 1;
    }
    const t = Date.UTC(y, mo, day);
    if (new Date(t).getUTCDate() !== day) return { how: "", error: `${MONTHS[mo][0].toUpperCase() + MONTHS[mo].slice(1)} has no day ${day}.` };
    return { until: isoDate(t), how: "read as an end date" };
  });
  // "for the weekend", "over the weekend": until the Monday after the coming weekend
  scan(/\b(?:for|over|through|thru)\s+the\s+weekend\b/, () => {
    const dow = new Date(todayMs).getUTCDay();
    return { until: isoDate(todayMs + (((1 - dow + 7) % 7) || 7) * DAY_MS), how: "read as until the Monday after the weekend" };
  });
  // "temporarily", "temporary", "for a while", "for now"
  scan(/\b(temporarily|temporary|temp|for a while|short[- ]term)\b/, () => ({ days: DEFAULT_TEMPORARY_DAYS, how: `has no length; defaulting to ${DEFAULT_TEMPORARY_DAYS} days` }));

  if (!hits.length) {
    // Anything else chrono reads as a date ("until next Tuesday", "thru the 3rd of January", "till 3/31") counts
    // only after an end-date word, so a date said for another reason ("starting next week") is not an end date.
    // chrono is asked only about the words right after an end-date word that look like the start of a date
    // (it costs ~10 ms on a whole sentence; most requests have no date at all).
    const ref = { instant: new Date(todayMs + 12 * 3_600_000), timezone: "UTC" };
    for (const m of lower.matchAll(DATE_AFTER_MARKER)) {
      const from = (m.index ?? 0) + m[0].length;
      const window = text.slice(from, from + 40);
      const r = chrono.parse(window, ref, { forwardDate: true })[0];
      if (!r || r.index > 4) continue;
      const y = r.start.get("year");
      const mo = r.start.get("month");
      const d = r.start.get("day");
      if (!y || !mo || !d) continue;
      const start = m.index ?? 0;
      const end = from + r.index + r.text.length;
      const iso = `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
      hits.push({ start, end, text: text.slice(start, end), until: iso, how: "read as an end date" });
      break;
    }
  }
  if (!hits.length) return null;
  // Earliest phrase wins; at equal starts the longer one ("for a couple of weeks" over nothing shorter).
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  // A specific length/date beats "temporarily" anywhere in the text ("temporarily, for 3 days").
  const specific = hits.find((h) => !/has no length/.test(h.how));
  return finish(specific ?? hits[0], today);
}
