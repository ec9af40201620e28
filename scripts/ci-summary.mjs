// Prints "N passed, N failed" from vitest's JSON report; exits 1 when a test failed, none
// ran, or the report is missing. The second argument is vitest's exit status: an error outside
// any test (an unhandled rejection, say) fails the run without failing a test, and counts as
// one failure here so the closing line agrees with the exit code.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-report.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  console.log(`no test report at ${file}: ${err.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A test file that failed to load has no failing test of its own: count it as one failure.
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
).length;
const runnerStatus = Number(process.argv[3] ?? 0);
const counted = (report.numFailedTests ?? 0) + brokenFiles;
if (counted === 0 && runnerStatus !== 0) {
  console.log(
    `vitest exited with status ${runnerStatus} although every test passed: see "Unhandled Errors" above`,
  );
}
const failed = counted === 0 && runnerStatus !== 0 ? 1 : counted;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(
  skipped > 0
    ? `${passed} passed, ${failed} failed, ${skipped} skipped`
    : `${passed} passed, ${failed} failed`,
);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
