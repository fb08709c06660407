/**
 * The README's command table is the CLI's registry, word for word: every registered command has a row whose usage
 * forms are exactly the ones `npm run gatehouse -- --help` prints, and no row names a command that does not exist.
 * Every `npm run gatehouse -- …` example elsewhere in the README and docs/ uses only words that command accepts.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands, usageForms } from "./registry";

const root = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

function commandTable(md: string): Map<string, string[]> {
  const section = md.slice(md.indexOf("## Command line"));
  const body = section.slice(0, section.indexOf("\n## ", 3));
  const rows = body.split("\n").filter((l) => l.startsWith("| `"));
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const firstCell = r.slice(1).split(/(?<!\\)\|/)[0]!;
    const forms = [...firstCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\\\|/g, "|").trim().replace(/\s+/g, " "));
    const name = forms[0]!.split(" ")[0]!;
    out.set(name, [...(out.get(name) ?? []), ...forms]);
  }
  return out;
}

/** The words of a usage form that must be accepted: subcommands, flags and UPPER-CASE placeholders. */
const words = (form: string) =>
  form
    .split(" ")
    .map((t) => t.replace(/^\[|\]$/g, ""))
    .filter((t) => t && !/[|<>@./=#]/.test(t) && (/^[a-z][a-z-]*$/.test(t) || /^-{1,2}[a-z][a-z-]*$/.test(t) || /^[A-Z][A-Z_]*$/.test(t)));

describe("README command table = CLI registry", () => {
  const table = commandTable(readme);

  it("has one row per registered command, no more", () => {
    expect([...table.keys()].sort()).toEqual(Object.keys(commands).sort());
  });

  it.each(Object.entries(commands))("%s: the README shows exactly the usage forms of --help", (name, c) => {
    expect(table.get(name)).toEqual(usageForms(c.summary));
  });

  it("every `npm run gatehouse -- …` example uses words its command accepts", () => {
    const docs = [readme, ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => fs.readFileSync(path.join(root, "docs", f), "utf8"))];
    const bad: string[] = [];
    for (const text of docs) {
      for (const m of text.matchAll(/npm run (?:-s )?gatehouse -- ([^`\n#]+)/g)) {
        const example = m[1]!.trim();
        const [name] = example.split(" ");
        if (name === "<command>" || name === "--help") continue;
        const c = commands[name!];
        if (!c) {
          bad.push(`${example}: no command "${name}"`);
          continue;
        }
        const forms = usageForms(c.summary);
        const accepted = new Set(forms.flatMap(words));
        // Words the usage follows with a placeholder ("--name NAME", "rotate NAME"): the next example word is a value.
        const takesValue = new Set<string>();
        for (const f of forms) {
          const t = f.split(" ").map((x) => x.replace(/^\[|\]$/g, ""));
          t.forEach((x, i) => { if (i + 1 < t.length && /^[A-Z][A-Z_-]*$/.test(t[i + 1]!)) takesValue.add(x); });
        }
        const tokens = example.split(" ").map((x) => x.replace(/^\[|\]$/g, ""));
        tokens.forEach((t, i) => {
          if (i > 0 && takesValue.has(tokens[i - 1]!)) return;
          for (const w of words(t)) if (!accepted.has(w)) bad.push(`${example}: "${w}" is not in "${c.summary}"`);
        });
      }
    }
    expect(bad).toEqual([]);
  });
});
