/**
 * The recipes build for the data's input: output shape = input shape, output activation from the
 * value range, and data a model cannot take refused with one line.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError } from '../../core/errors.js';
import { useBackend } from '../../engine/backend.js';
import { FASHION_INPUT, type ModelInput } from '../recipe.js';
import { resolveModelOptions } from '../train-run.js';
import { denseUnits } from './dense.js';
import { getRecipe } from './index.js';

before(async () => {
  await useBackend('wasm');
});

const images = (shape: number[]): ModelInput => ({ shape, kind: 'images', unitRange: true });
const table = (features: number, unitRange = false): ModelInput => ({ shape: [features], kind: 'table', unitRange });

/** The activation of the decoder's last layer that has one. */
function outputActivation(decoder: { layers: Array<{ getConfig(): Record<string, unknown> }> }): unknown {
  return decoder.layers
    .map((l) => l.getConfig().activation ?? (l.getConfig().layer as { config?: { activation?: unknown } } | undefined)?.config?.activation)
    .filter((a) => a !== undefined)
    .at(-1);
}

test('each recipe builds for its inputs: output shape = input shape, sigmoid for [0, 1], linear otherwise', () => {
  const cases: Array<[string, ModelInput[], Record<string, unknown>]> = [
    ['conv', [FASHION_INPUT, images([32, 32, 3]), images([30, 20]), { ...images([24, 16, 3]), unitRange: false }], {}],
    ['conv', [images([30, 20]), images([32, 32, 3])], { decoder: 'upsample', filters: [8, 8] }],
    ['stacked', [FASHION_INPUT, images([32, 32, 3]), table(7)], { units: [16, 4] }],
    ['dense', [table(7), table(7, true), images([30, 20])], {}],
    ['sparse', [images([30, 20]), table(7)], { codingUnits: 20 }],
    ['vae', [images([32, 32, 3]), table(7)], {}],
    ['vae', [images([30, 20]), images([32, 32, 3])], { conv: true }],
    ['recurrent', [images([30, 20]), { shape: [12, 3], kind: 'sequences', unitRange: false }], {}],
    ['linear', [table(7), images([6, 4])], {}],
  ];
  for (const [name, inputs, options] of cases) {
    const recipe = getRecipe(name);
    const modelOptions = resolveModelOptions(recipe, options);
    for (const input of inputs) {
      recipe.checkInput?.(input);
      const built = recipe.build({ ...modelOptions, seed: 1, input });
      const label = `${name} ${JSON.stringify(options)} [${input.shape}]`;
      assert.deepEqual(built.autoencoder.outputs[0].shape.slice(1), input.shape, label);
      if (name !== 'linear') assert.equal(outputActivation(built.decoder), input.unitRange ? 'sigmoid' : 'linear', label);
    }
  }
});

test("the linear recipe's default input is its 3-D point cloud", () => {
  const recipe = getRecipe('linear');
  const built = recipe.build({ seed: 1, input: recipe.defaultInput! });
  assert.deepEqual(built.autoencoder.inputs[0].shape, [null, 3]);
});

test('dense: Adam + MSE, units derived from the feature count', () => {
  const recipe = getRecipe('dense');
  assert.deepEqual(recipe.defaults, { epochs: 20, batchSize: 32, optimizer: 'adam', lr: 0.001, loss: 'meanSquaredError' });
  assert.deepEqual(denseUnits(table(7)), [4, 2]);
  assert.deepEqual(denseUnits(table(1)), [2, 1]);
  assert.deepEqual(denseUnits(FASHION_INPUT), [392, 196]);
  const built = recipe.build({ ...resolveModelOptions(recipe, {}), seed: 1, input: table(7) });
  assert.deepEqual(
    built.encoder.layers.map((l) => [l.name, (l.outputShape as number[]).slice(1)]),
    [
      ['encoder_dense_1', [4]],
      ['encoder_dense_2', [2]],
    ], // table rows need no Flatten
  );
  assert.equal(built.decoder.countParams(), 2 * 4 + 4 + 4 * 7 + 7);
  const tied = recipe.build({
    ...resolveModelOptions(recipe, { tied: true, units: [3], noise: 'gaussian:0.1' }),
    seed: 1,
    input: table(7),
  });
  assert.equal(tied.decoder.countParams(), 7); // the tied decoder owns its bias only
});

test('conv options: --filters and --decoder parse; wrong data is refused naming the shape and dense', () => {
  const conv = getRecipe('conv');
  const option = (key: string) => conv.options!.find((o) => o.key === key)!;
  assert.deepEqual(option('filters').parse!('8,16'), [8, 16]);
  assert.throws(() => option('filters').parse!('8,x'), /filters: expected a comma-separated list/);
  assert.equal(option('decoder').parse!('upsample'), 'upsample');
  assert.throws(() => option('decoder').parse!('deconv'), /decoder: expected one of transpose, upsample, got 'deconv'/);
  const refused = (name: string, input: ModelInput, pattern: RegExp): void => {
    assert.throws(
      () => getRecipe(name).checkInput?.(input),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'input' && pattern.test(e.message) && !e.message.includes('\n'),
    );
  };
  refused('conv', table(7), /conv model takes images.*table samples of shape \[7\].*use the dense model/);
  refused('conv', { shape: [2, 3, 4, 5], kind: 'arrays', unitRange: true }, /shape \[2, 3, 4, 5\]/);
  refused('recurrent', images([32, 32, 3]), /recurrent model takes sequences.*shape \[32, 32, 3\]/);
  refused('recurrent', table(7), /shape \[7\]/);
  const greedy = resolveModelOptions(conv, { greedy: true, filters: [8, 8], greedyEpochs: [1, 1, 0] });
  assert.deepEqual(greedy.filters, [8, 8]);
  assert.throws(() => resolveModelOptions(conv, { greedy: true, filters: [8, 8], greedyEpochs: [1, 1, 1, 0] }), /expected 3 numbers/);
});
