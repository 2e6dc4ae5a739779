/** What every test of a generated file says when it is stale: one command rewrites them all. */
export const REGENERATE = "npm run regenerate";
export const stale = (what: string) => `${what} is stale: run \`${REGENERATE}\`, which rewrites every generated file`;
