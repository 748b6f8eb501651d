// Splitting an exec model's command into argv without a shell. The command comes from the spec or the
// command line (the model id is its only source) and is run with shell: false, so there is no
// globbing, no variables, no pipes or redirections: `|` and `>` are ordinary arguments. Quoting
// follows the POSIX shell closely enough for commands people write:
//   - whitespace separates arguments;
//   - '...' is literal;
//   - "..." allows \" and \\ (any other backslash stays as written);
//   - outside quotes a backslash makes the next character literal;
//   - adjacent pieces join: a"b c"d is one argument `ab cd`; "" is an empty argument.

export type SplitResult = { ok: true; argv: string[] } | { ok: false; error: string };

export function splitCommand(command: string): SplitResult {
  const argv: string[] = [];
  let current = "";
  let inArg = false;
  let i = 0;
  while (i < command.length) {
    const ch = command[i]!;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      if (inArg) {
        argv.push(current);
        current = "";
        inArg = false;
      }
      i++;
      continue;
    }
    inArg = true;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: `unterminated single quote in command: ${command}` };
      current += command.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      let closed = false;
      while (i < command.length) {
        const c = command[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\" && i + 1 < command.length && (command[i + 1] === '"' || command[i + 1] === "\\")) {
          current += command[i + 1];
          i += 2;
          continue;
        }
        current += c;
        i++;
      }
      if (!closed) return { ok: false, error: `unterminated double quote in command: ${command}` };
      continue;
    }
    if (ch === "\\") {
      if (i + 1 >= command.length) return { ok: false, error: `command ends with a lone backslash: ${command}` };
      current += command[i + 1];
      i += 2;
      continue;
    }
    current += ch;
    i++;
  }
  if (inArg) argv.push(current);
  if (argv.length === 0) return { ok: false, error: "empty command" };
  return { ok: true, argv };
}
