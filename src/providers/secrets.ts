// Keys come only from the environment and must never leave it: not in failure messages, not in
// captured stderr, not in ModelInfo. Servers sometimes echo the key they were sent ("Incorrect API
// key provided: sk-...") and commands sometimes print their environment, so every adapter passes what
// it reports through a redactor built from the secret values it can see.

import type { ProviderFailure, ProviderEnv } from "./types.js";

export const REDACTED = "[redacted]";

/** Variable names whose values are treated as secrets even when no spec names them. */
const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|AUTH)$/i;

/** Shorter values are not redacted by name pattern alone: "1" or "yes" would shred every message. */
const MIN_PATTERN_SECRET_LENGTH = 8;

export type Redactor = (text: string) => string;

/**
 * Secret values visible in `env`: those of the explicitly named variables (the spec's api_key_env,
 * OPENAI_API_KEY) whatever their length, and those of variables whose names look like secrets.
 */
export function secretValues(env: ProviderEnv, explicitNames: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const name of explicitNames) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") values.add(value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_PATTERN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name)) values.add(value);
  }
  return [...values];
}

/** Query parameters whose values are credentials (`?token=…`, `&api_key=…`, `?sig=…`). */
const SECRET_PARAM =
  /([?&;](?:[a-z0-9_.-]*[_-])?(?:token|access_token|api[_-]?key|apikey|key|secret|password|passwd|pass|pwd|sig|signature|auth|authorization|credentials?|code)=)[^&#\s"'<>]+/gi;

/** user:password@ in URLs, which error messages from fetch quote whole, and credential query parameters. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1").replace(SECRET_PARAM, `$1${REDACTED}`);
}

/**
 * Variables a command run by a spec (an exec model, an exec scorer) gets: enough to find programs,
 * read the locale and write temporary files, and nothing else; the rest of the user's environment
 * (API keys, tokens, cloud credentials) stays out. A user passes more by name in VC_EXEC_ENV
 * ("NAME1,NAME2"); a model's api_key_env is passed to its own command.
 */
const CHILD_ENV_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "TERM",
  "NO_COLOR",
  "SYSTEMROOT",
  "WINDIR",
  "COMSPEC",
  "PATHEXT",
]);
export const PASS_ENV_VARIABLE = "VC_EXEC_ENV";

export function childEnv(env: ProviderEnv, explicitNames: readonly string[] = []): Record<string, string> {
  const passed = new Set([...explicitNames, ...(env[PASS_ENV_VARIABLE] ?? "").split(/[\s,]+/).filter((n) => n !== "")]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (CHILD_ENV_NAMES.has(name) || name.startsWith("LC_") || passed.has(name)) out[name] = value;
  }
  return out;
}

/** A redactor for what a command run by a spec prints: the secrets of the whole environment it came from. */
export function envRedactor(env: ProviderEnv, explicitNames: readonly string[] = []): Redactor {
  return makeRedactor(secretValues(env, explicitNames));
}

/** Removes the given secret values and any URL credentials from a text. */
export function makeRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so that a secret containing another is replaced whole.
  const list = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = stripUrlCredentials(text);
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  };
}

export function redactFailure(failure: ProviderFailure, redact: Redactor): ProviderFailure {
  const out: ProviderFailure = { ...failure, message: redact(failure.message) };
  if (failure.stderr !== undefined) out.stderr = redact(failure.stderr);
  return out;
}
