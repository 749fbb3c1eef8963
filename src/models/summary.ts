/**
 * Keras-like text summaries of autoencoders.
 */
import type { Autoencoder } from './conv.js';

/**
 * Formats the encoder's and the decoder's layer tables (layer, output shape, parameters)
 * followed by their totals, as `model.summary()` does in Keras.
 */
export function formatSummary(model: Autoencoder, title: string): string {
  const lines: string[] = [`Model: ${title}`];
  for (const [label, part] of [
    ['Encoder', model.encoder],
    ['Decoder', model.decoder],
  ] as const) {
    lines.push('', `${label}: ${part.name}`);
    part.summary(80, [0.45, 0.8, 1], (line: string) => lines.push(line));
  }
  const enc = model.encoder.countParams();
  const dec = model.decoder.countParams();
  lines.push(
    '',
    `Encoder parameters: ${enc.toLocaleString('en-US')}`,
    `Decoder parameters: ${dec.toLocaleString('en-US')}`,
    `Total parameters:   ${model.autoencoder.countParams().toLocaleString('en-US')}`,
  );
  return lines.join('\n');
}
