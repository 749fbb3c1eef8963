import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pcaDirections, principalAngles } from '../analysis/subspace.js';
import { pointCloud } from '../data/point-cloud.js';
import { trainRun } from '../runs/train-run.js';

test('the point cloud is seeded and centred', () => {
  const a = pointCloud(60, 4);
  assert.equal(a.points.length, 180);
  assert.deepEqual(Array.from(a.points), Array.from(pointCloud(60, 4).points));
  for (let k = 0; k < 3; k++) {
    let m = 0;
    for (let i = 0; i < 60; i++) m += a.points[3 * i + k];
    assert.ok(Math.abs(m / 60) < 1e-6);
  }
});

test('principal angles of known subspaces', () => {
  const deg = (r: number[]): number[] => r.map((x) => Math.round(((x * 180) / Math.PI) * 1e3) / 1e3);
  assert.deepEqual(
    deg(
      principalAngles(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        [
          [1, 1, 0],
          [0, 2, 0],
        ],
      ),
    ),
    [0, 0],
  );
  assert.deepEqual(
    deg(
      principalAngles(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        [
          [1, 0, 0],
          [0, 1, 1],
        ],
      ),
    ),
    [0, 45],
  );
  const dirs = pcaDirections(Float32Array.from([3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0]), 4, 3, 2);
  assert.ok(Math.abs(Math.abs(dirs[0][0]) - 1) < 1e-9 && Math.abs(Math.abs(dirs[1][1]) - 1) < 1e-9);
});

test("train linear learns PCA's plane and draws the codings", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-linear-'));
  try {
    const { metrics } = await trainRun({ model: 'linear', backend: 'wasm', out: dir });
    const angles = (metrics.pca as { principal_angles_degrees: number[] }).principal_angles_degrees;
    assert.ok(
      angles.every((a) => a < 5),
      `angles ${angles}`,
    );
    assert.ok((metrics.epochs.at(-1)?.loss ?? 1) < 0.02);
    await access(path.join(dir, 'codings.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
