/**
 * Grids of grey images as PNG files (reconstructions, generated samples, worst cases).
 */
import { PNG } from 'pngjs';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Height of one image in pixels. Default 28. */
  height?: number;
  /** Width of one image in pixels. Default 28. */
  width?: number;
  /** Each pixel is drawn as a `scale × scale` square. Default 4. */
  scale?: number;
  /** Gap between images, in output pixels. Default 4. */
  gap?: number;
  /** Background grey level 0–255 of the gaps. Default 255 (white). */
  background?: number;
}

/**
 * Draws `rows` of images (each `height × width` floats in [0, 1], 0 = black) as one PNG.
 * Row `r`, column `c` shows `rows[r][c]`; short rows leave blanks.
 *
 * @example
 * await writeFileAtomic('grid.png', imageGrid([originals, reconstructions], { scale: 3 }));
 */
export function imageGrid(rows: Float32Array[][], options: ImageGridOptions = {}): Buffer {
  const { height = 28, width = 28, scale = 4, gap = 4, background = 255 } = options;
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const cellW = width * scale;
  const cellH = height * scale;
  const png = new PNG({
    width: cols * cellW + (cols + 1) * gap,
    height: Math.max(1, rows.length) * cellH + (Math.max(1, rows.length) + 1) * gap,
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
  });
  // pngjs keeps RGBA in `data` regardless of the output colour type.
  png.data.fill(background);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  rows.forEach((row, r) => row.forEach((image, c) => {
    if (image.length !== height * width) {
      throw new RangeError(`image grid: image at row ${r}, column ${c} has ${image.length} pixels, expected ${height}×${width}`);
    }
    const x0 = gap + c * (cellW + gap);
    const y0 = gap + r * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const v = image[Math.floor(y / scale) * width + Math.floor(x / scale)];
        const g = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        const o = ((y0 + y) * png.width + x0 + x) * 4;
        png.data[o] = g; png.data[o + 1] = g; png.data[o + 2] = g;
      }
    }
  }));
  return PNG.sync.write(png, { colorType: 0 });
}
