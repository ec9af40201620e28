import { defineConfig } from "vitest/config";

/** The real-Asterisk suite (`npm run test:asterisk`): needs the prebuilt Asterisk tarball. */
export default defineConfig({
  test: {
    include: ["test/asterisk/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: "forks",
    // Each file starts its own Asterisk (about 300 modules): two at a time is what 2 cores take.
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: ".vitest-asterisk-report.json" }]],
  },
});
