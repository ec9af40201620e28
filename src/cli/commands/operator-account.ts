/**
 * `tandem operator add NAME`: makes the password hash of a console account for the
 * `operators` section. The password is asked twice on a terminal (not echoed), or read from
 * the first line of standard input with `--password-stdin`.
 */
import type { Command } from "commander";
import { OPERATOR_NAME_PATTERN } from "../../config/ui-schema.js";
import { UsageError } from "../../errors.js";
import { hashPassword, SCRYPT_PARAMS } from "../../ui/index.js";

/** Shortest password accepted. */
const MIN_LENGTH = 8;

/** Registers `tandem operator add`. */
export function registerOperatorAccount(program: Command): void {
  const operator = program
    .command("operator")
    .description("Web console accounts (the operators section)");
  operator
    .command("add <name>")
    .description("Print the operators line (name and scrypt hash) of a console account")
    .option("--password-stdin", "read the password from the first line of standard input")
    .addHelpText(
      "after",
      `\nPaste the printed line under "operators:" in the configuration of both nodes and restart\nor reload the agents. The hash is scrypt (N=${SCRYPT_PARAMS.N}, r=${SCRYPT_PARAMS.r}, p=${SCRYPT_PARAMS.p}) with a random salt; the\npassword itself is never stored.\nExit codes: 0 printed, 2 bad usage (bad name, passwords differ, too short, no terminal).`,
    )
    .action(async (name: string, opts: { passwordStdin?: boolean }) => {
      if (!OPERATOR_NAME_PATTERN.test(name)) {
        throw new UsageError(
          `operator name "${name}" must be letters, digits, '.', '_' or '-' (at most 63)`,
        );
      }
      const password = opts.passwordStdin ? await firstLine() : await askTwice();
      if (password.length < MIN_LENGTH) {
        throw new UsageError(
          `the password of "${name}" has ${password.length} characters: at least ${MIN_LENGTH} are needed`,
        );
      }
      process.stdout.write(`operators:\n  ${name}: "${await hashPassword(password)}"\n`);
    });
}

async function firstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "").trimEnd();
}

async function askTwice(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError(
      "standard input is not a terminal: pass --password-stdin to read the password from it",
    );
  }
  const first = await askHidden("Password: ");
  const second = await askHidden("Same password again: ");
  if (first !== second) throw new UsageError("the two passwords differ: nothing printed");
  return first;
}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (data: Buffer) => {
      for (const ch of data.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          done();
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          done();
          reject(new UsageError("interrupted: nothing printed"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on("data", onData);
  });
}
