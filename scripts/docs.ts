/**
 * `npm run docs`: regenerates what the repository's documents hold from data: the
 * configuration reference, docs/configuration.md (from the schema), docs/alerts.md, the alert response guide (from the
 * prod stack's alerts, dashboards, checks and routing), and docs/dashboards/<uid>.png, a picture
 * of each prod dashboard's layout. A test fails when any is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REFERENCE_FILE, withReference } from "../src/config/reference";
import { GUIDE_PATH } from "../src/guide/anchors";
import { alertGuideMarkdown } from "../src/guide/render";
import { offlineSettings } from "../src/offline/settings";
import { dashboardCatalog } from "../src/dashboards/all";
import { LAYOUT_DIR, layoutPicture, samePixels } from "../test/support/layoutPng";

const root = path.resolve(__dirname, "..");
const write = (relative: string, after: string, what: string) => {
  const file = path.join(root, relative);
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (before !== after) fs.writeFileSync(file, after);
  console.log(`${relative}: ${what} ${before === after ? "already current" : "updated"}`);
};

write(REFERENCE_FILE, withReference(fs.readFileSync(path.join(root, REFERENCE_FILE), "utf8")), "configuration reference");
write(GUIDE_PATH, alertGuideMarkdown(offlineSettings(root, "prod")), "alert response guide");

// Pictures are compared by their pixels: an identical picture is not rewritten.
const settings = offlineSettings(root, "prod");
fs.mkdirSync(path.join(root, LAYOUT_DIR), { recursive: true });
for (const d of dashboardCatalog(settings)) {
  const relative = path.join(LAYOUT_DIR, `${d.uid}.png`);
  const file = path.join(root, relative);
  const drawn = layoutPicture(d);
  const same = fs.existsSync(file) && samePixels(fs.readFileSync(file), drawn.png.data);
  if (!same) fs.writeFileSync(file, drawn.toBuffer());
  console.log(`${relative}: layout picture ${same ? "already current" : "updated"}`);
}
