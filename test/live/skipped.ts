// Behavioural rules without a live scenario, each with the reason its harm cannot be shown on one machine in a
// test run. Every other behavioural rule must have a scenario under scenarios/ (run.ts enforces it).
export const SKIPPED: Readonly<Record<string, string>> = {};
