/**
 * fast-check arbitraries for hostile input: random text (including NUL, lone surrogates and
 * control characters), numbers as text, and the values that usually break parsers.
 */
import fc from "fast-check";

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const TRICKY = [
  "", " ", "\u0000", "a\u0000b", "\ud800", "x\udc00y", "0", "-1", "1.5", "1e9", "99999", "9".repeat(30), "NaN", "Infinity",
  "true", "null", "undefined", "[]", "{}", "__proto__", "constructor", "toString", "2026-02-30", "0000-01-01T00:00:00Z",
  "00000000-0000-0000-0000-000000000000", "' OR 1=1 --", "%00", "../../etc/passwd", "<script>alert(1)</script>", "x".repeat(5000),
] as const;

/** A string that may be anything a client can send. */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...TRICKY),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: codeUnit, maxLength: 20 }),
    fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c),
    fc.integer().map(String),
    fc.double().map(String),
  );

/** Any JSON value, with nasty strings as leaves and keys. */
export const nastyJson = (): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      nastyString(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(nastyString(), tie("value"), { maxKeys: 4 }),
    ),
  })).value;
