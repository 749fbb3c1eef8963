/**
 * aekit's one PNG encoder, on sharp (libvips): SVG charts rasterised (with pixel images pasted on
 * top, e.g. thumbnails), and raw grey or RGB pixel buffers.
 */
import sharp from 'sharp';
import { ArgumentError } from '../core/errors.js';
import type { Chart } from './svg-charts.js';

/** Pixels as bytes: `height × width × channels`, row-major, channels interleaved (grey, RGB or RGBA). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** A pixel image pasted onto a chart with its top-left corner at (left, top) (integers, in pixels). */
export interface Overlay {
  image: RawImage;
  left: number;
  top: number;
}

function checked(image: RawImage, what: string): RawImage {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ArgumentError('image', `${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new ArgumentError(
      'image',
      `${what}: ${width}×${height}×${channels} pixels need ${width * height * channels} bytes, got ${data.length}`,
    );
  }
  return image;
}

const bytes = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/**
 * Rasterises an SVG chart at one pixel per SVG unit, pastes `overlays` on it (each must lie inside
 * the chart) and encodes it as an RGB PNG (the chart module's documents have an opaque white
 * background; any transparency is dropped).
 *
 * @example
 * await writeFileAtomic('loss.png', await svgToPng(lineChartSvg(series)));
 */
export async function svgToPng(chart: Chart | string, overlays: readonly Overlay[] = []): Promise<Buffer> {
  const svg = typeof chart === 'string' ? chart : chart.svg;
  const layers = overlays.map((o, i) => {
    const { image } = o;
    checked(image, `overlay ${i}`);
    return {
      input: bytes(image.data),
      raw: { width: image.width, height: image.height, channels: image.channels },
      left: Math.round(o.left),
      top: Math.round(o.top),
    };
  });
  return sharp(Buffer.from(svg)).composite(layers).removeAlpha().png().toBuffer();
}

/**
 * Encodes raw pixels as a PNG: 1 channel as an 8-bit grey PNG, 3 as RGB, 4 as RGBA.
 *
 * @example
 * const png = await encodePng({ data: bytes, width: 28, height: 28, channels: 1 });
 */
export async function encodePng(image: RawImage): Promise<Buffer> {
  const { width, height, channels, data } = checked(image, 'PNG');
  const img = sharp(bytes(data), { raw: { width, height, channels } });
  return (channels === 1 ? img.toColourspace('b-w') : img).png().toBuffer();
}

/** `#rrggbb` as [r, g, b] bytes. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m === null) throw new ArgumentError('colour', `expected a colour as #rrggbb, got '${hex}'`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}
