/**
 * Test-only: the part of the S3 REST API the image store uses (path-style PutObject, GetObject,
 * HeadObject), in memory, answering missing keys as S3 does (404, NoSuchKey). Every request is
 * recorded so tests can see what was sent. It checks no signature.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeS3Request {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export async function startFakeS3() {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const requests: FakeS3Request[] = [];
  let failNext = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://s3.invalid").pathname);
    requests.push({ method: request.method ?? "", path, headers: request.headers });
    if (failNext > 0) {
      failNext -= 1;
      response.writeHead(500, { "content-type": "application/xml" }).end("<Error><Code>InternalError</Code><Message>injected</Message></Error>");
      return;
    }
    if (request.method === "PUT") {
      objects.set(path, { body: Buffer.concat(chunks), contentType: String(request.headers["content-type"] ?? "") });
      response.writeHead(200, { etag: '"fake"' }).end();
      return;
    }
    const found = objects.get(path);
    if (!found) {
      response.writeHead(404, { "content-type": "application/xml" });
      response.end(request.method === "HEAD" ? undefined : `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${path}</Key></Error>`);
      return;
    }
    response.writeHead(200, { "content-type": found.contentType, "content-length": String(found.body.length) });
    response.end(request.method === "HEAD" ? undefined : found.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    /** The next `count` requests answer 500. */
    failNext: (count: number) => (failNext = count),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
