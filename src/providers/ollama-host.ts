// OLLAMA_HOST, read exactly as the ollama CLI reads it (envconfig.Host() in ollama's Go source), so
// that `vc` talks to the same server as `ollama run` in the same shell:
//   - surrounding spaces and quotes (" and ') are trimmed;
//   - no "://" → scheme http, default port 11434; "http://" → default port 80; "https://" → 443
//     (any other scheme is kept, with port 11434);
//   - everything after the first "/" of the host part is a base path;
//   - "host:port", "[v6]:port", ":port" (host empty), "host" or a bare IP ("::1") without a port
//     (→ the scheme's default port); an empty value is 127.0.0.1:11434;
//   - a port that is not a number in 0..65535 is replaced by the default port (the CLI warns).
// One deliberate difference: Go dials an empty host (":11434") as the local system; a URL cannot have
// an empty host, so it becomes 127.0.0.1.

import { isIP } from "node:net";

export interface OllamaHost {
  scheme: string;
  /** Host name or IP, without brackets. */
  host: string;
  port: string;
  /** Base path without leading slash ("" for none). */
  path: string;
  /** The URL the client uses: scheme://host:port[/path]. */
  url: string;
}

export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";

export function parseOllamaHost(raw: string | undefined): OllamaHost {
  const value = trimQuotes((raw ?? "").trim()).trim();
  let defaultPort = "11434";
  let scheme = "http";
  let hostport = value;
  const sep = value.indexOf("://");
  if (sep >= 0) {
    scheme = value.slice(0, sep);
    hostport = value.slice(sep + 3);
    if (scheme === "http") defaultPort = "80";
    else if (scheme === "https") defaultPort = "443";
  }

  let path = "";
  const slash = hostport.indexOf("/");
  if (slash >= 0) {
    path = hostport.slice(slash + 1);
    hostport = hostport.slice(0, slash);
  }

  let host: string;
  let port: string;
  const split = splitHostPort(hostport);
  if (split === null) {
    host = "127.0.0.1";
    port = defaultPort;
    const bare = trimBrackets(hostport);
    if (isIP(bare) !== 0) host = canonicalIp(bare);
    else if (hostport !== "") host = hostport;
  } else {
    host = split.host;
    port = split.port;
  }

  if (!/^[+-]?\d+$/.test(port) || Number(port) > 65535 || Number(port) < 0) port = defaultPort;
  port = String(Number(port));
  if (host === "") host = "127.0.0.1";

  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = `${scheme}://${hostPart}:${port}${path === "" ? "" : `/${path}`}`;
  return { scheme, host, port, path, url };
}

function trimQuotes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === '"' || text[start] === "'")) start++;
  while (end > start && (text[end - 1] === '"' || text[end - 1] === "'")) end--;
  return text.slice(start, end);
}

function trimBrackets(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === "[" || text[start] === "]")) start++;
  while (end > start && (text[end - 1] === "[" || text[end - 1] === "]")) end--;
  return text.slice(start, end);
}

/** Go's net.SplitHostPort: null where Go returns an error. The port may be empty. */
function splitHostPort(hostport: string): { host: string; port: string } | null {
  const colon = hostport.lastIndexOf(":");
  if (colon < 0) return null; // missing port
  let host: string;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return null; // missing ']'
    if (end + 1 === hostport.length) return null; // missing port
    if (end + 1 !== colon) return null; // too many colons or missing port
    host = hostport.slice(1, end);
    if (hostport.slice(end + 1).includes("[") || hostport.slice(end + 1).includes("]")) return null;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(":")) return null; // too many colons
    if (host.includes("[") || host.includes("]")) return null;
  }
  if (hostport.slice(colon + 1).includes("[") || hostport.slice(colon + 1).includes("]")) return null;
  return { host, port: hostport.slice(colon + 1) };
}

/** Like Go's net.IP.String(): IPv6 in its shortest lowercase form. */
function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return ip.toLowerCase();
  }
}

/** The host URL for messages and manifests: user info, query and fragment (where keys hide) removed. */
export function ollamaEndpoint(host: OllamaHost): string {
  return host.url.replace(/^([a-z][a-z0-9+.-]*:\/\/\[?)[^/@\]]*@/i, "$1").replace(/[?#].*$/s, "");
}
