/** What the extension tests report back to test/e2e/run.mjs. */
export const results: { passed: number; failed: number; timings?: Record<string, number | undefined>; vsix?: string } = { passed: 0, failed: 0 };
