import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CONDITIONALLY_REQUIRED, EXAMPLE_PATH, REFERENCE_FILE } from "../../src/config/reference";
import { validateConfig } from "../../src/config/validate";
import { ROOT, stackConfigWith, type StackChanges } from "../support/offline";

/**
 * What docs/configuration.md says about conditionally required keys is what validation does.
 * The table in src/config/reference.ts is prose; each entry here gets a stack where its condition
 * holds and the key is unset (validation must name the key as required), and one where the
 * condition does not hold (validation must not). The stacks are the committed stack file with
 * explicit changes: every value the assertions depend on is set here, not read from it.
 */
const people = {
  onCallEngineer: { name: "On call", email: "oncall@example.test" },
  leadDeveloper: { name: "Lead", email: "lead@example.test" },
  productOwner: { name: "PO", email: "po@example.test" },
  externalSupport: { name: "Vendor", email: "support@example.test" },
};
const offAll = { synthetics: { enabled: false }, metricsScrape: { enabled: false } };

interface Case {
  /** The condition holds and the key is unset. */
  holds: StackChanges;
  /** The condition does not hold; the key is still unset. */
  fails: StackChanges;
}

const cases: Record<keyof typeof CONDITIONALLY_REQUIRED, Case> = {
  "github.owner": {
    holds: { set: { github: { enabled: true, reviewers: { teams: ["t"] } } } },
    fails: { set: { github: { enabled: false } } },
  },
  "github.reviewers": {
    holds: { set: { github: { enabled: true, owner: "someone" } } },
    fails: { set: { github: { enabled: false } } },
  },
  postgresCaCertFile: {
    holds: { set: { postgresSslMode: "verify-full" }, unset: ["postgresCaCertFile"] },
    fails: { set: { postgresSslMode: "require" }, unset: ["postgresCaCertFile"] },
  },
  "metricsScrape.grafanaStackId": {
    holds: { set: { metricsScrape: { enabled: true } } },
    fails: { set: { metricsScrape: { enabled: false } } },
  },
  "grafanaCloud.region": {
    holds: { set: { grafanaCloud: { plan: "free" }, synthetics: { enabled: true }, metricsScrape: { enabled: false } }, unset: ["smUrl"] },
    fails: { set: { grafanaCloud: { plan: "free" }, ...offAll }, unset: ["smUrl"] },
  },
  oncallUrl: {
    holds: { set: { paging: { irm: true }, contacts: people }, unset: ["oncallUrl"] },
    fails: { set: { paging: { irm: false }, contacts: people }, unset: ["oncallUrl"] },
  },
  "contacts.onCallEngineer.irmUsername": {
    holds: { set: { paging: { irm: true }, contacts: people } },
    fails: { set: { paging: { irm: false }, contacts: people } },
  },
  "contacts.leadDeveloper.irmUsername": {
    holds: { set: { paging: { irm: true }, contacts: people } },
    fails: { set: { paging: { irm: false }, contacts: people } },
  },
  "contacts.productOwner.irmUsername": {
    holds: { set: { paging: { irm: true }, contacts: people } },
    fails: { set: { paging: { irm: false }, contacts: people } },
  },
  pagingWebhookUrl: {
    holds: { set: { paging: { webhook: true } }, unset: ["pagingWebhookUrl"] },
    fails: { set: { paging: { webhook: false } }, unset: ["pagingWebhookUrl"] },
  },
  pagerdutyIntegrationKey: {
    holds: { set: { paging: { pagerduty: true } }, unset: ["pagerdutyIntegrationKey"] },
    fails: { set: { paging: { pagerduty: false } }, unset: ["pagerdutyIntegrationKey"] },
  },
};

const problemsWith = (changes: StackChanges) => validateConfig(stackConfigWith(changes).config, "prod").problems;
const requiredProblems = (problems: string[]) =>
  // "required ..." for a missing key; "expected at least one ..." for an object left empty (github.reviewers).
  problems.filter((p) => /^ain-monitoring:[^ ]+: (required\b|expected at least one\b)/.test(p)).map((p) => p.slice("ain-monitoring:".length, p.indexOf(": ")));

describe("the configuration reference's conditionally required keys", () => {
  it.each(Object.keys(cases))("%s is required exactly when the reference says", (key) => {
    const c = cases[key];
    expect(requiredProblems(problemsWith(c.holds)), `while ${CONDITIONALLY_REQUIRED[key]}`).toContain(key);
    expect(requiredProblems(problemsWith(c.fails)), `unless ${CONDITIONALLY_REQUIRED[key]}`).not.toContain(key);
  });

  it("misses no key that validation requires under some condition", () => {
    // Every condition switched on at once, every conditional key unset.
    const everything: StackChanges = {
      set: { github: { enabled: true }, postgresSslMode: "verify-full", metricsScrape: { enabled: true }, grafanaCloud: { plan: "free" }, synthetics: { enabled: true }, paging: { irm: true, webhook: true, pagerduty: true }, contacts: people },
      unset: ["postgresCaCertFile", "smUrl", "oncallUrl", "pagingWebhookUrl", "pagerdutyIntegrationKey"],
    };
    const required = requiredProblems(problemsWith(everything));
    expect(required.length).toBeGreaterThan(5);
    // The always-required ones are marked `yes` from the schema; the rest must be in the table.
    for (const key of required) expect(Object.keys(CONDITIONALLY_REQUIRED), `${key} is required under a condition the reference does not give`).toContain(key);
  });

  it("prints each condition beside its key", () => {
    const doc = fs.readFileSync(path.join(ROOT, REFERENCE_FILE), "utf8");
    for (const [key, when] of Object.entries(CONDITIONALLY_REQUIRED)) {
      expect(doc).toContain(`| \`ain-monitoring:${key}\` |`);
      const row = doc.split("\n").find((line) => line.startsWith(`| \`ain-monitoring:${key}\` |`)) ?? "";
      expect(row, key).toContain(`when ${when.replace(/\|/g, "\\|")}`);
    }
  });

  it("tells the truth about the flat form: written as a key of its own, it is refused, saying how to set it nested", () => {
    const config = { ...stackConfigWith().config, [`ain-monitoring:${EXAMPLE_PATH}`]: "2" };
    const problem = validateConfig(config, "prod").problems.find((p) => p.startsWith(`ain-monitoring:${EXAMPLE_PATH}: `));
    expect(problem).toContain("a path inside the object key ain-monitoring:runbook");
    expect(problem).toContain(`pulumi config set --path ${EXAMPLE_PATH} <value>`);
  });
});
