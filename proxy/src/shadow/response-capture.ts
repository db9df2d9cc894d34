import type { IncomingMessage } from "node:http";
import type { CapturedResponse } from "./compare.js";

/**
 * One answer's status, headers and body, kept up to `max` bytes while it streams past (the client's copy is
 * never held back: this only listens beside http-proxy's pipe). Lives only on shadowed requests.
 */
export class ResponseCapture {
  status = 0;
  headers: Record<string, string | undefined> = {};
  truncated = false;
  complete = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  tap(res: IncomingMessage): void {
    this.status = res.statusCode ?? 0;
    this.headers = flatHeaders(res);
    res.on("data", (chunk: Buffer) => {
      if (this.truncated) return;
      if (this.size + chunk.length > this.max) this.truncated = true;
      else (this.size += chunk.length), this.chunks.push(chunk);
    });
    res.on("end", () => void (this.complete = true));
  }

  result(): CapturedResponse {
    return { status: this.status, headers: this.headers, body: this.truncated ? Buffer.alloc(0) : Buffer.concat(this.chunks), truncated: this.truncated };
  }
}

function flatHeaders(res: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(res.headers)) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}
