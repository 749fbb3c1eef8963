/**
 * A small RGB raster for aekit's PNG charts: rectangles, lines, dots, grey images and text in the
 * 5×7 bitmap font of `font.ts`, written as PNG with pngjs.
 */
import { PNG } from 'pngjs';
import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './font.js';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Colours of the ten classes (matplotlib's `tab10`), by label. */
export const CLASS_COLOURS: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** Black, for text and axes. */
export const BLACK: Rgb = [0, 0, 0];
/** Light grey, for grid lines. */
export const LIGHT_GREY: Rgb = [225, 225, 225];

/** An RGB image being drawn; `toPng()` encodes it. */
export class Canvas {
  /** RGBA bytes, row-major (alpha always 255). */
  readonly data: Uint8Array;

  /** A `width × height` canvas filled with `background` (white by default). */
  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`canvas: width and height must be positive integers, got ${width} × ${height}`);
    }
    this.data = new Uint8Array(width * height * 4);
    for (let o = 0; o < this.data.length; o += 4) {
      this.data[o] = background[0]; this.data[o + 1] = background[1]; this.data[o + 2] = background[2]; this.data[o + 3] = 255;
    }
  }

  /** Sets pixel (x, y), blending with `opacity` in [0, 1]; pixels outside are ignored. */
  set(x: number, y: number, c: Rgb, opacity = 1): void {
    x = Math.floor(x); y = Math.floor(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    for (let k = 0; k < 3; k++) this.data[o + k] = Math.round(this.data[o + k] * (1 - opacity) + c[k] * opacity);
  }

  /** Fills the rectangle with top-left (x, y), `w` wide and `h` high. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgb, opacity = 1): void {
    for (let yy = Math.round(y); yy < Math.round(y + h); yy++) for (let xx = Math.round(x); xx < Math.round(x + w); xx++) this.set(xx, yy, c, opacity);
  }

  /** Outlines the rectangle with top-left (x, y), `w` wide and `h` high. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.fillRect(x, y, w, 1, c); this.fillRect(x, y + h - 1, w, 1, c);
    this.fillRect(x, y, 1, h, c); this.fillRect(x + w - 1, y, 1, h, c);
  }

  /** Draws a line from (x0, y0) to (x1, y1), `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2));
    const r = (thickness - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      if (thickness <= 1) this.set(x, y, c);
      else this.fillRect(x - r, y - r, thickness, thickness, c);
    }
  }

  /** Draws a filled disc of `radius` pixels centred on (x, y). */
  dot(x: number, y: number, radius: number, c: Rgb, opacity = 1): void {
    const r2 = radius * radius;
    for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
      for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) {
        if (dx * dx + dy * dy <= r2) this.set(x + dx, y + dy, c, opacity);
      }
    }
  }

  /** Writes `text` with its top-left corner at (x, y), each font cell `scale × scale` pixels. */
  text(x: number, y: number, text: string, c: Rgb = BLACK, scale = 1): void {
    let cx = Math.round(x);
    for (const ch of text) {
      const cells = glyph(ch);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) if (cells[gy * GLYPH_WIDTH + gx]) this.fillRect(cx + gx * scale, Math.round(y) + gy * scale, scale, scale, c);
      }
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /**
   * Draws a grey image (`h × w` floats in [0, 1], 0 = black) at (x, y), each pixel `scale × scale`;
   * with `invert`, 0 draws white (Fashion-MNIST thumbnails on a white page, as the book draws them).
   */
  image(x: number, y: number, pixels: ArrayLike<number>, w: number, h: number, scale = 1, invert = false): void {
    for (let py = 0; py < h; py++) {
      for (let px = 0; px < w; px++) {
        const v = Math.min(1, Math.max(0, Number(pixels[py * w + px]) || 0));
        const g = Math.round(255 * (invert ? 1 - v : v));
        this.fillRect(x + px * scale, y + py * scale, scale, scale, [g, g, g]);
      }
    }
  }

  /** Encodes the canvas as an RGB PNG. */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height, colorType: 2, inputHasAlpha: true });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png, { colorType: 2 });
  }
}

/** Round numbers for axis ticks: about `target` values covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A short label for a tick value (`0.25`, `1e-4`, `1200`). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
