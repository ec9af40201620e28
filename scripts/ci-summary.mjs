// Prints "N passed, N failed" over one or more vitest JSON reports; exits 1 when a test failed,
// none ran, or a report is missing.
//
// Usage: node scripts/ci-summary.mjs REPORT STATUS [REPORT STATUS ...]
// STATUS is the exit status of the vitest run that wrote REPORT: an error outside any test (an
// unhandled rejection, say) fails the run without failing a test, and counts as one failure
// here so the closing line agrees with the exit codes.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 0) args.push(".vitest-report.json");
let passed = 0;
let failed = 0;
let skipped = 0;
for (let i = 0; i < args.length; i += 2) {
  const file = args[i];
  const runnerStatus = Number(args[i + 1] ?? 0);
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    console.log(`no test report at ${file}: ${err.message}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // A test file that failed to load has no failing test of its own: count it as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  const counted = (report.numFailedTests ?? 0) + brokenFiles;
  if (counted === 0 && runnerStatus !== 0) {
    console.log(
      `${file}: vitest exited with status ${runnerStatus} although every test passed: see "Unhandled Errors" above`,
    );
  }
  failed += counted === 0 && runnerStatus !== 0 ? 1 : counted;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(
  skipped > 0
    ? `${passed} passed, ${failed} failed, ${skipped} skipped`
    : `${passed} passed, ${failed} failed`,
);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
