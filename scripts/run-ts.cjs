// Runs a TypeScript entry for the commands people wait on (`npm run checks`), without ts-node and
// without the Pulumi runtime. Each .ts file is transpiled with the project's own TypeScript
// (transpileModule: no type check, as PULUMI_NODEJS_TRANSPILE_ONLY=true) and cached by content
// under node_modules/.cache, so a second run loads no compiler at all. `npm run typecheck` and the
// test suite still type-check everything. The program itself runs under scripts/host.cjs, which
// loads TypeScript exactly as Pulumi's language host does.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const cacheDir = path.join(root, "node_modules", ".cache", "ain-monitoring-ts");
const tsVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [root] }), "utf8")).version;
// CommonJS, as nodenext gives for a package without "type": "module"; the rest from tsconfig.json.
const fromTsconfig = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")).compilerOptions;
const compilerOptions = { target: fromTsconfig.target, esModuleInterop: fromTsconfig.esModuleInterop, module: "commonjs", inlineSourceMap: true };
const cacheSalt = JSON.stringify({ tsVersion, compilerOptions });

let typescript;
function transpile(source, filename) {
  typescript ??= require(require.resolve("typescript", { paths: [root] }));
  const options = typescript.convertCompilerOptionsFromJson(compilerOptions, root).options;
  return typescript.transpileModule(source, { fileName: filename, compilerOptions: options, reportDiagnostics: false }).outputText;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(cacheSalt).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    code = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const temporary = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, code);
      fs.renameSync(temporary, cached);
    } catch {
      // A read-only checkout still runs; it transpiles every time.
    }
  }
  module._compile(code, filename);
};

// Required rather than run (test/support/offline.ts), this file only makes .ts files loadable.
if (require.main === module) {
  const [entry, ...rest] = process.argv.slice(2);
  if (!entry) {
    console.error("usage: node scripts/run-ts.cjs <entry.ts> [args...]");
    process.exit(2);
  }
  process.argv = [process.argv[0], entry, ...rest];
  require(path.resolve(entry));
}
