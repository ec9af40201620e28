// A wall-clock step for one process, without touching the machine's clock: preload with
//   node --import ./scripts/clock-offset.mjs …   and   TANDEM_CLOCK_OFFSET_FILE=/path/offset
// The file holds an offset in milliseconds (e.g. 600000 for +10 min); writing a new value steps
// this process's `Date` (Date.now(), new Date()) within about 50 ms. The monotonic clock
// (performance.now, timers) is untouched, as it is when an NTP daemon or an operator steps the
// system clock. Used by the clock-step tests and `npm run chaos`.
import { readFileSync } from "node:fs";

const file = process.env.TANDEM_CLOCK_OFFSET_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offset = 0;
  const read = () => {
    try {
      const value = Number(readFileSync(file, "utf8").trim());
      offset = Number.isFinite(value) ? value : 0;
    } catch {
      offset = 0;
    }
  };
  read();
  setInterval(read, 50).unref();
  class SteppedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + offset);
      else super(...args);
    }
    static now() {
      return realNow() + offset;
    }
  }
  globalThis.Date = SteppedDate;
}
