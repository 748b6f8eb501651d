// Every message the CLI prints to stderr passes through one redactor: secret values of the
// environment (keys, tokens) and credentials in URLs (user:pass@, ?token=…) never reach the terminal or a log
// that captures stderr, whatever layer worded the message. stdout carries data (plans, folders) and
// is left as it is.

import { envRedactor, type Redactor } from "../providers/secrets.js";
import type { CliIO } from "./command.js";

type Stream = CliIO["stderr"];

/** The stream with its `write` redacting strings; every other property is the stream's own. */
export function redactingStream(stream: Stream, redact: Redactor): Stream {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === "string" ? redact(chunk) : chunk instanceof Uint8Array ? redact(Buffer.from(chunk).toString("utf8")) : chunk;
    return (stream.write as (c: unknown, ...r: unknown[]) => boolean).call(stream, text, ...rest);
  };
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === "write") return write;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The CLI's streams with stderr redacted by the secrets of `io.env`. */
export function redactedIO(io: CliIO): CliIO {
  return { ...io, stderr: redactingStream(io.stderr, envRedactor(io.env)) };
}
