/**
 * The only thing image roles hand each other: raw RGBA pixels, exactly what a PNG decodes to.
 * No role may attach anything else (no layout, no ids): a real model only sees pixels.
 */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major, 4 bytes per pixel, straight (not premultiplied) alpha. */
  readonly data: Uint8ClampedArray;
}

export function createRaster(width: number, height: number): RasterImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

export function cloneRaster(image: RasterImage): RasterImage {
  return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data) };
}
