import { handle, parseOrThrow } from "@/lib/api/http";
import { AppError } from "@/lib/errors";
import { imageContentTypes, readImage } from "@/lib/images/store";
import { imageIdSchema, imageVariantSchema } from "@/lib/schemas/run";

// GET /api/images/[id] - an iteration image (PNG) by its sha-256, ?variant=thumb for the WebP thumbnail
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseOrThrow(imageIdSchema, (await context.params).id, "id");
    const variant = parseOrThrow(imageVariantSchema, new URL(request.url).searchParams.get("variant") ?? undefined, "variant");
    const bytes = await readImage(id, variant);
    if (!bytes) throw new AppError("not_found:image", `no image with id ${id}`);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": imageContentTypes[variant],
        "Content-Length": String(bytes.byteLength),
        // Content-addressed: the bytes behind an id never change.
        "Cache-Control": "public, max-age=31536000, immutable",
        ETag: `"${id}${variant === "thumb" ? "-thumb" : ""}"`,
      },
    });
  });
}
