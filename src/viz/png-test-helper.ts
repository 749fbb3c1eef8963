/**
 * Test support (not public API): decoding the PNGs the viz modules write, with sharp, and counting
 * pixels of a colour in a region.
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';

/** A decoded PNG: RGB bytes, row-major, and what the file itself declared. */
export interface DecodedPng {
  data: Uint8Array;
  width: number;
  height: number;
  /** Channels stored in the file (1 = grey, 3 = RGB, 4 = RGBA). */
  fileChannels: number;
}

/** Decodes `png`, asserting that it is a PNG file; pixels come back as RGB. */
export async function decodePng(png: Uint8Array): Promise<DecodedPng> {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { data, width: info.width, height: info.height, fileChannels: meta.channels ?? 0 };
}

/** A rectangle of pixels: columns [x0, x1), rows [y0, y1) (bounds rounded to whole pixels). */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Number of pixels in `region` (default the whole image) whose [r, g, b] passes `test`. */
export function countPixels(img: DecodedPng, test: (r: number, g: number, b: number) => boolean, region?: Region): number {
  const { x0 = 0, y0 = 0, x1 = img.width, y1 = img.height } = region ?? {};
  let n = 0;
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(img.height, Math.round(y1)); y++) {
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(img.width, Math.round(x1)); x++) {
      const o = (y * img.width + x) * 3;
      if (test(img.data[o], img.data[o + 1], img.data[o + 2])) n++;
    }
  }
  return n;
}

/** Near-black pixels (text, axes). */
export const dark = (r: number, g: number, b: number): boolean => r < 100 && g < 100 && b < 100;

/** Pixels within `tolerance` of the colour `#rrggbb`. */
export function near(hex: string, tolerance = 40): (r: number, g: number, b: number) => boolean {
  const [R, G, B] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (r, g, b) => Math.abs(r - R) <= tolerance && Math.abs(g - G) <= tolerance && Math.abs(b - B) <= tolerance;
}
