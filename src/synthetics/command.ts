/**
 * The checks command: runs the stack's synthetic checks from this machine with the prober's
 * semantics. Starts without the Pulumi runtime: it reads the stack file itself and validates it with
 * the same code as the program (src/config/validate.ts). See USAGE for options and exit codes.
 */
import { parseArgs } from "node:util";
import { ConfigProblems } from "../config/validate";
import { validateStack } from "../validateStack";
import { PROJECT } from "../config/schema";
import { readStackConfig, SECRET_PLACEHOLDER_PREFIX, StackFileError } from "../offline/stackConfig";
import { checkSpecs } from "./checks";
import { adviceFor, baseUrlProblem, EXIT_CODES, exitCodeFor, overallVerdict, resultTable, runCheck, tokenMayGoTo, type CheckResult, type RunContext } from "./runner";

const USAGE = `Usage: npm run checks -- [options]

Runs the stack's synthetic checks once from this machine, as Synthetic Monitoring's prober would,
and prints one verdict per check: PASS, DEGRADED (answered correctly, but slower than the
runbook's latency budget) or FAIL.

Options:
  --stack NAME         The stack whose config to read: Pulumi.NAME.yaml (default: prod).
  --config-file FILE   Read the stack's config from FILE instead, like 'pulumi --config-file'.
  --base-url URL       Check the functions at URL instead of the stack's functionsBaseUrl, e.g.
                       http://127.0.0.1:54321/functions/v1 for 'supabase functions serve'. Must be
                       https://, or http:// on loopback only. The token is sent only to the
                       stack's own functions origin or to loopback.
  --only JOBS          Comma-separated check jobs or ids to run (e.g. ain-health-check,vinDecode).
  --list               Print the checks and their targets without sending anything.
  --json               Print one JSON document: { verdict, exitCode, checks: [...] }.
  --strict             Treat DEGRADED as a failure (exit code 3), for a release gate.
  -h, --help           Show this help.

The bearer token: AIN_FUNCTIONS_AUTH_TOKEN, else ${PROJECT}:functionsAuthToken when the stack file
holds it in plain text (an encrypted value cannot be read offline). It is never printed, never
sent over plain http except to loopback, and never follows a redirect.

Exit codes:
  ${EXIT_CODES.pass}  every check passed (DEGRADED counts as passed without --strict)
  ${EXIT_CODES.fail}  at least one check failed
  ${EXIT_CODES.usage}  bad option, unreadable stack file or invalid config: nothing was sent
  ${EXIT_CODES.degradedStrict}  with --strict: none failed, but at least one was DEGRADED`;

class UsageError extends Error {}

function args(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        stack: { type: "string", default: "prod" },
        "config-file": { type: "string" },
        "base-url": { type: "string" },
        only: { type: "string" },
        list: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see 'npm run checks -- --help'`);
  }
}

/** Where the command writes: the process's streams, or a test's buffers. */
export interface CommandOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * `npm run checks` with its arguments, environment and output given, returning the exit code.
 * scripts/checks.ts runs it for the process; the tests run it in theirs.
 */
export async function checksCommand(argv: string[], env: NodeJS.ProcessEnv, out: CommandOutput, root: string): Promise<number> {
  try {
    return await checks(argv, env, out, root);
  } catch (error) {
    const known = error instanceof UsageError || error instanceof ConfigProblems || error instanceof StackFileError;
    out.stderr(String(known ? (error as Error).message : error instanceof Error ? error.message : error));
    return EXIT_CODES.usage;
  }
}

async function checks(argv: string[], env: NodeJS.ProcessEnv, out: CommandOutput, root: string): Promise<number> {
  const values = args(argv);
  if (values.help) {
    out.stdout(USAGE);
    return EXIT_CODES.pass;
  }
  const stackConfig = readStackConfig(root, values.stack ?? "prod", values["config-file"]);
  const { plain, problems } = validateStack(stackConfig.config, stackConfig.stack);
  if (!plain) throw new ConfigProblems(stackConfig.stackFile, problems);

  const baseUrl = values["base-url"];
  if (baseUrl !== undefined) {
    const problem = baseUrlProblem(baseUrl);
    if (problem) throw new UsageError(`--base-url: ${problem}`);
  }
  const effectiveBase = baseUrl ?? plain.functionsBaseUrl;
  let specs = checkSpecs(plain, effectiveBase).filter((s) => s.enabled);
  if (values.only) {
    const wanted = values.only.split(",");
    specs = specs.filter((s) => wanted.includes(s.id) || wanted.includes(s.job));
    if (specs.length === 0) throw new UsageError(`--only: no check named ${values.only}; known: ${checkSpecs(plain).map((s) => s.job).join(", ")}`);
  }
  if (values.list) {
    for (const s of specs) out.stdout(`${s.job.padEnd(28)} ${s.method.padEnd(4)} ${s.url}  (budget ${s.budgetMs} ms, timeout ${s.timeoutMs} ms${s.authenticated ? ", bearer token" : ""})`);
    return EXIT_CODES.pass;
  }

  const fromStack = stackConfig.config[`${PROJECT}:functionsAuthToken`];
  const fromEnv = env.AIN_FUNCTIONS_AUTH_TOKEN;
  const [token, tokenSource] = fromEnv
    ? [fromEnv, "AIN_FUNCTIONS_AUTH_TOKEN"]
    : fromStack && !fromStack.startsWith(SECRET_PLACEHOLDER_PREFIX)
      ? [fromStack, `${PROJECT}:functionsAuthToken in ${stackConfig.stackFile}`]
      : [undefined, undefined];
  const context: RunContext = { baseUrl: effectiveBase, tokenSource };
  const results: { spec: (typeof specs)[number]; result: CheckResult }[] = [];
  for (const spec of specs) {
    const allowed = tokenMayGoTo(spec.url, plain.functionsBaseUrl);
    if (token && spec.authenticated && !allowed) {
      context.tokenWithheld = `${new URL(spec.url).origin} is not the stack's functions origin ${new URL(plain.functionsBaseUrl).origin}, and the token goes nowhere else (use --stack for another project)`;
    }
    results.push({ spec, result: await runCheck(spec, allowed ? token : undefined) });
  }

  const verdict = overallVerdict(results.map((r) => r.result));
  const exitCode = exitCodeFor(verdict, values.strict ?? false);
  const advised = results.map(({ spec, result }) => ({ ...result, advice: adviceFor(result, spec, context) ?? null }));
  if (values.json) {
    out.stdout(JSON.stringify({ verdict, strict: values.strict, exitCode, checks: advised }, null, 2));
    return exitCode;
  }
  out.stdout(resultTable(results.map((r) => r.result)));
  for (const r of advised) if (r.advice) out.stdout(`\n${r.check}: ${r.advice}`);
  const count = (v: string) => advised.filter((r) => r.verdict === v).length;
  out.stdout(`\n${count("pass")} passed, ${count("degraded")} degraded, ${count("fail")} failed: ${verdict.toUpperCase()}${verdict === "degraded" ? (values.strict ? " (fails with --strict)" : " (passes; --strict would fail it)") : ""}`);
  return exitCode;
}
