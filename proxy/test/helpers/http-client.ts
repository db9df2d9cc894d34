import http from "node:http";

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** Keep-alive client shared by the tests (a real browser/client keeps connections too). */
export const clientAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One HTTP exchange; rejects on network errors or after `timeoutMs` (default 10 s). */
export function send(
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string | AsyncIterable<Buffer>; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: clientAgent, timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 10_000} ms: ${url}`)));
    req.on("error", reject);
    const body = options.body;
    if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) return void req.end(body);
    void (async () => {
      for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      req.end();
    })().catch((e: unknown) => req.destroy(e as Error));
  });
}

/** Cookie header value for the sticky session cookie set on a reply. */
export function stickyCookieOf(reply: Reply, name = "strangler_sid"): string | undefined {
  const set = reply.headers["set-cookie"]?.find((c) => c.startsWith(`${name}=`));
  return set?.split(";")[0];
}

/** Runs `task` with `concurrency` workers until `durationMs` elapsed or `maxCount` tasks ran. */
export async function runLoad(options: { concurrency: number; durationMs: number; maxCount?: number }, task: (i: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + options.durationMs;
  const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  let next = 0;
  const worker = async () => {
    while (Date.now() < deadline && next < max) await task(next++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return next;
}
