/**
 * Vitest setup file: when GATEHOUSE_TEST_CLOCK_SHIFT_DAYS is set, JavaScript's Date runs that many
 * days ahead of the machine (ticking at the real rate, to the millisecond), while the database
 * server keeps its own clock. `npm test` runs the date-sensitive integration suites a second time
 * this way (see scripts/test.mjs): a test that passes only on the date it was written, or code that
 * mixes the database's now() with the application's clock, fails there.
 */
const days = Number(process.env.GATEHOUSE_TEST_CLOCK_SHIFT_DAYS ?? "0");

if (Number.isFinite(days) && days !== 0 && !(globalThis as { __gatehouseClockShift?: number }).__gatehouseClockShift) {
  const offset = days * 86_400_000;
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(realNow() + offset);
      else super(...(args as [string | number | Date]));
    }
    static now() {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  (globalThis as { __gatehouseClockShift?: number }).__gatehouseClockShift = offset;
}
