/**
 * `npm run checks`: the stack's synthetic checks, run once from this machine
 * (src/synthetics/command.ts). `npm run checks -- --help` lists the options and exit codes.
 */
import { projectDir } from "../src/projectDir";
import { checksCommand } from "../src/synthetics/command";

checksCommand(process.argv.slice(2), process.env, { stdout: (line) => console.log(line), stderr: (line) => console.error(line) }, projectDir()).then((code) => process.exit(code));
