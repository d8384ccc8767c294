import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeS3 } from "./__fixtures__/fake-s3-server";
import { imageIdOf, imageStore, putPng, readImage } from "./store";

const SECRET = "fake-secret-key-0123456789";
let s3: Awaited<ReturnType<typeof startFakeS3>>;
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startFakeS3();
  Object.assign(process.env, {
    RIG_IMAGE_STORE: "s3://rig-images/lab-a",
    RIG_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: "fake-access-key",
    AWS_SECRET_ACCESS_KEY: SECRET,
  });
});
afterAll(async () => {
  for (const name of ["RIG_IMAGE_STORE", "RIG_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await s3.close();
});

const png = (r: number) => sharp({ create: { width: 64, height: 48, channels: 4, background: { r, g: 20, b: 20, alpha: 1 } } }).png().toBuffer();

describe("the image store on an S3-compatible bucket (RIG_IMAGE_STORE=s3://...)", () => {
  it("stores each image and its thumbnail under bucket/prefix/images/, signed, once, and reads them back", async () => {
    const bytes = await png(200);
    const id = await putPng(bytes);
    expect(id).toBe(imageIdOf(bytes));
    const key = `/rig-images/lab-a/images/${id.slice(0, 2)}/${id}`;
    expect(s3.objects.get(`${key}.png`)?.contentType).toBe("image/png");
    expect(s3.objects.get(`${key}.thumb.webp`)?.contentType).toBe("image/webp");
    expect((await readImage(id))?.equals(bytes)).toBe(true);
    expect((await sharp((await readImage(id, "thumb"))!).metadata()).format).toBe("webp");
    // Content-addressed: storing it again only asks whether it is there.
    const puts = s3.requests.filter((request) => request.method === "PUT").length;
    await putPng(bytes);
    expect(s3.requests.filter((request) => request.method === "PUT")).toHaveLength(puts);
    // Every request is SigV4-signed with the access key, and the secret never travels.
    for (const request of s3.requests) {
      expect(String(request.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=fake-access-key\//);
      expect(JSON.stringify(request.headers)).not.toContain(SECRET);
    }
    expect(imageStore().where).toBe(`s3://rig-images/lab-a at ${new URL(s3.endpoint).host}`);
  });

  it("answers null for an image the bucket lacks, and fails loudly when the bucket fails", async () => {
    expect(await readImage("0".repeat(64))).toBeNull();
    expect(await readImage("../../etc/passwd")).toBeNull();
    const id = await putPng(await png(90));
    s3.failNext(10);
    await expect(readImage(id)).rejects.toThrow();
    s3.failNext(0);
    expect(await readImage(id)).not.toBeNull();
  });
});
