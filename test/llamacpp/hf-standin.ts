// A stand-in for the two Hugging Face endpoints node-llama-cpp's resolver uses for `hf:OWNER/REPO:QUANT`
// (read from node-llama-cpp 3.21.1, dist/utils/parseModelUri.js): the GGUF manifest
// `GET /v2/OWNER/REPO/manifests/QUANT` answering `{ ggufFile: { rfilename } }`, and the file itself,
// `GET|HEAD /OWNER/REPO/resolve/main/FILE`, with byte ranges. Loopback only.

import { createServer, type Server } from "node:http";

export interface HfStandin {
  url: string;
  /** Request lines seen, e.g. "GET /v2/o/r/manifests/Q4_K_M". */
  requests: string[];
  close(): Promise<void>;
}

export async function startHfStandin(repo: { owner: string; name: string; quant: string; file: string; bytes: Buffer }): Promise<HfStandin> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === `/v2/${repo.owner}/${repo.name}/manifests/${repo.quant}`) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ggufFile: { rfilename: repo.file, size: repo.bytes.length } }));
      return;
    }
    if (url.pathname === `/${repo.owner}/${repo.name}/resolve/main/${repo.file}`) {
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      const start = range ? Number(range[1]) : 0;
      const end = range && range[2] !== "" ? Number(range[2]) : repo.bytes.length - 1;
      const body = repo.bytes.subarray(start, end + 1);
      res.writeHead(range ? 206 : 200, {
        "content-type": "application/octet-stream",
        "content-length": String(body.length),
        "accept-ranges": "bytes",
        ...(range ? { "content-range": `bytes ${start}-${end}/${repo.bytes.length}` } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "Repository not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
