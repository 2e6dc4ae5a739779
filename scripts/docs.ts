/**
 * `npm run docs`: regenerates what the repository's documents hold from data: the README's
 * configuration reference (from the schema) and docs/alerts.md, the alert response guide (from the
 * prod stack's alerts, dashboards, checks and routing). A test fails when either is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withReference } from "../src/config/reference";
import { GUIDE_PATH } from "../src/guide/anchors";
import { alertGuideMarkdown } from "../src/guide/render";
import { offlineSettings } from "../src/offline/settings";

const root = path.resolve(__dirname, "..");
const write = (relative: string, after: string, what: string) => {
  const file = path.join(root, relative);
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (before !== after) fs.writeFileSync(file, after);
  console.log(`${relative}: ${what} ${before === after ? "already current" : "updated"}`);
};

write("README.md", withReference(fs.readFileSync(path.join(root, "README.md"), "utf8")), "configuration reference");
write(GUIDE_PATH, alertGuideMarkdown(offlineSettings(root, "prod")), "alert response guide");
