/** `npm run docs`: regenerates the README's configuration reference from the schema. */
import * as fs from "node:fs";
import * as path from "node:path";
import { withReference } from "../src/config/reference";

const readmePath = path.resolve(__dirname, "..", "README.md");
const before = fs.readFileSync(readmePath, "utf8");
const after = withReference(before);
fs.writeFileSync(readmePath, after);
console.log(before === after ? "README.md: configuration reference already current" : "README.md: configuration reference updated");
