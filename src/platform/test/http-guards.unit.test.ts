import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { Router } from "express";
import request from "supertest";
import { createHttpApp } from "../http/create-http-app.js";
import { createLogger } from "../logger/logger.js";
import { startServer, type RunningServer } from "../server/start-server.js";

const logger = createLogger({ level: "error", service: "test", silent: true });
const things = Router()
  .get("/things/:id", (req, res) => void res.json({ id: req.params.id }))
  .post("/things", (req, res) => void res.status(201).json({ got: req.body ?? null }));
const app = createHttpApp({ logger, bodyLimit: "100kb", routers: [things, Router().put("/things/:id", (_req, res) => void res.json({}))] });

/** Writes raw bytes on a fresh connection and returns everything the server answers until it closes. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.end(bytes));
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
  });
}
const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));

describe("http platform: method, media type and parser errors answer the contract's error body", () => {
  it("when a known path is called with another method, then 405 with the same Allow as OPTIONS and the error body", async () => {
    for (const [method, path] of [["delete", "/things/1"], ["patch", "/things/1"], ["get", "/things"], ["delete", "/things"]] as const) {
      const res = await request(app)[method](path);
      const options = await request(app).options(path);
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.allow, options.headers.allow);
      assert.equal(res.body.code, "REQUEST.METHOD_NOT_ALLOWED");
      assert.ok(res.body.correlationId);
      assert.match(res.body.message, new RegExp(`allowed: ${options.headers.allow}`));
    }
    assert.equal((await request(app).delete("/things/1")).headers.allow, "GET, HEAD, PUT");
    const unknown = await request(app).delete("/nothing/here");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "ROUTE.NOT_FOUND");
  });

  it("when a body is sent as anything but application/json, then 415 REQUEST.UNSUPPORTED_MEDIA_TYPE", async () => {
    const json = '{"name":"x"}';
    for (const type of ["text/plain", "application/vnd.api+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "application/xml"]) {
      const res = await request(app).post("/things").set("content-type", type).send(json);
      assert.equal(res.status, 415, type);
      assert.equal(res.body.code, "REQUEST.UNSUPPORTED_MEDIA_TYPE", type);
    }
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON"]) {
      const res = await request(app).post("/things").set("content-type", type).send(json);
      assert.deepEqual([res.status, res.body], [201, { got: { name: "x" } }], type);
    }
    assert.equal((await request(app).post("/things")).status, 201, "no body at all needs no Content-Type");
    assert.equal((await request(app).post("/things").set("content-type", "text/plain").set("content-length", "0")).status, 201, "an empty body is no body");
  });

  describe("on a real server (Node's parser)", () => {
    let server: RunningServer;
    before(async () => (server = await startServer(app, { port: 0, host: "127.0.0.1", logger, name: "test" })));
    after(() => server.close(1000));

    it("when the URL or a header is over Node's limit, then 431 with the error body, not a bare status line", async () => {
      for (const bytes of [`GET /things/${"x".repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`, `GET /things/1 HTTP/1.1\r\nHost: a\r\nX-Big: ${"y".repeat(20_000)}\r\n\r\n`]) {
        const res = await raw(server.port, bytes);
        assert.match(res, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
        assert.match(res, /\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
        const body = bodyOf(res);
        assert.equal(body.code, "REQUEST.HEADERS_TOO_LARGE");
        assert.equal(res.match(/x-request-id: ([^\r]+)/i)?.[1], body.correlationId);
      }
    });

    it("when a body comes without any Content-Type (chunked or with a length), then 415", async () => {
      for (const framing of ["Transfer-Encoding: chunked\r\n\r\nc\r\n{\"name\":\"x\"}\r\n0\r\n\r\n", 'Content-Length: 12\r\n\r\n{"name":"x"}']) {
        const res = await raw(server.port, `POST /things HTTP/1.1\r\nHost: a\r\nConnection: close\r\n${framing}`);
        assert.match(res, /^HTTP\/1\.1 415 /, framing);
        assert.equal(bodyOf(res).code, "REQUEST.UNSUPPORTED_MEDIA_TYPE");
      }
    });

    it("when the request is not valid HTTP, then 400 REQUEST.INVALID with the error body, and the server keeps serving", async () => {
      const res = await raw(server.port, "GET /things/1 HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n");
      assert.match(res, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.equal(bodyOf(res).code, "REQUEST.INVALID");
      assert.equal((await fetch(`${server.url}/things/7`)).status, 200);
    });
  });
});
