import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../db/test-support";
import { imageIdOf, putPng, readImage, THUMBNAIL_WIDTH } from "./store";

const data = useTestDatabase();

async function png(colour: { r: number; g: number; b: number }) {
  return sharp({ create: { width: 320, height: 240, channels: 4, background: { ...colour, alpha: 1 } } }).png().toBuffer();
}

describe("content-addressed image store", () => {
  it("stores a PNG under its sha-256, idempotently, with a WebP thumbnail", async () => {
    const bytes = await png({ r: 200, g: 10, b: 10 });
    const id = await putPng(bytes);
    expect(id).toBe(imageIdOf(bytes));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await putPng(bytes)).toBe(id);
    const folder = path.join(data.dir(), "images", id.slice(0, 2));
    expect(readdirSync(folder).sort()).toEqual([`${id}.png`, `${id}.thumb.webp`]);
    expect((await readImage(id))?.equals(bytes)).toBe(true);
    const thumb = await readImage(id, "thumb");
    const meta = await sharp(thumb!).metadata();
    expect(meta).toMatchObject({ format: "webp", width: THUMBNAIL_WIDTH, height: 120 });
  });

  it("returns null for unknown and malformed ids, never touching paths outside the store", async () => {
    expect(await readImage("0".repeat(64))).toBeNull();
    expect(await readImage("../../etc/passwd")).toBeNull();
    expect(await readImage("A".repeat(64))).toBeNull();
  });
});
