import assert from "node:assert/strict";
import net from "node:net";
import { describe, it } from "node:test";
import { answerClientError } from "../src/request/client-error.js";

/** What a client reads when the server side of its connection gets `answerClientError(error)`. */
async function answerFor(code: string): Promise<string> {
  const server = net.createServer((socket) => answerClientError(Object.assign(new Error(code), { code }), socket));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((r) => socket.on("close", r));
    return Buffer.concat(chunks).toString();
  } finally {
    server.close();
  }
}

describe("node's own refusals, with the contract's error body", () => {
  it("when node times a request out (headersTimeout, requestTimeout), then 408 PROXY.REQUEST_TIMEOUT", async () => {
    const text = await answerFor("ERR_HTTP_REQUEST_TIMEOUT");
    assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.match(text, /\r\nConnection: close\r\n/);
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { code: string; correlationId: string };
    assert.equal(body.code, "PROXY.REQUEST_TIMEOUT");
    assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
  });

  it("when the parser refuses the request, then 400 PROXY.BAD_REQUEST; when the client reset, then nothing is written", async () => {
    assert.match(await answerFor("HPE_INVALID_METHOD"), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*"code":"PROXY.BAD_REQUEST"/);
    assert.equal(await answerFor("ECONNRESET"), "");
  });
});
