// Loads TypeScript the way Pulumi's Node.js language host does for `pulumi preview`
// (@pulumi/pulumi/cmd/run/run.js, CommonJS branch): the project's own typescript and ts-node,
// the same compiler defaults, tsconfig.json on top, and type checking unless
// PULUMI_NODEJS_TRANSPILE_ONLY=true or tsconfig's noCheck. Then it runs the TypeScript entry given
// as the first argument. This file stays JavaScript because it is what makes TypeScript loadable.
"use strict";
const path = require("node:path");
const tsutils = require("@pulumi/pulumi/tsutils");

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/host.cjs <entry.ts> [args...]");
  process.exit(2);
}

const tsConfigPath = "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck,
  project: tsConfigPath,
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

process.argv = [process.argv[0], entry, ...rest];
require(path.resolve(entry));
