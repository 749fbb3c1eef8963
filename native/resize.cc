// Nearest-neighbour resize of NHWC images (tfjs's ResizeNearestNeighbor) and its gradient
// (ResizeNearestNeighborGrad).
//
// Both kernels take the source index of every output row and column as int32 tables that
// JavaScript computes with tfjs's own formulas in double arithmetic (src/engine/resize-nearest.ts):
// this file compiles with -ffast-math, under which floor(ratio · r) computed here could land on
// another integer than tfjs's for some sizes. Every table entry is checked before any memory is
// touched, so the tables cannot make a kernel read or write outside its buffers.
#include <omp.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "args.h"
#include "kernels.h"
#include "threads.h"

namespace AEKIT_ISA_NS {
namespace {

struct ResizeGeo {
  long n, h, w, c, oh, ow;
};

// The names of a resize geometry's 6 numbers, in the order JavaScript passes them (native.ts's
// resizeNearestNeighbor): batch, input height, width and channels, output height and width.
#define AEKIT_RESIZE_GEOMETRY "n, h, w, c, oh, ow"

// Reads the geometry from argument i on: input sizes ≥ 1 (a pixel to read), output sizes ≥ 0.
ResizeGeo readResize(Args &a, size_t i) {
  ResizeGeo g;
  g.n = a.size(i);
  g.h = a.positive(i + 1), g.w = a.positive(i + 2), g.c = a.positive(i + 3);
  g.oh = a.size(i + 4), g.ow = a.size(i + 5);
  return g;
}

// Records a failure unless every entry of `table` (`count` of them) lies in [lo, size).
void checkTable(Args &a, const int32_t *table, long count, long lo, long size, const char *name, const char *what) {
  if (!a.ok()) return;
  for (long i = 0; i < count; ++i)
    if (table[i] < lo || table[i] >= size) {
      a.reject("%s[%ld] is %d, expected %s in [%ld, %ld)", name, i, table[i], what, lo, size);
      return;
    }
}

// y[b, i, j, :] = x[b, rows[i], cols[j], :].
void gather(const ResizeGeo &g, const float *x, const int32_t *rows, const int32_t *cols, float *y) {
  const long c = g.c;
#pragma omp parallel for schedule(static) if (count(g.n, g.oh, g.ow, g.c) > kPar)
  for (long r = 0; r < g.n * g.oh; ++r) {
    const long b = r / g.oh, i = r % g.oh;
    const float *xr = x + (b * g.h + rows[i]) * g.w * c;
    float *yr = y + r * g.ow * c;
    if (c == 1) {
      for (long j = 0; j < g.ow; ++j) yr[j] = xr[cols[j]];
      continue;
    }
    for (long j = 0; j < g.ow; ++j) {
      const float *xp = xr + cols[j] * c;
      float *yp = yr + j * c;
#pragma omp simd
      for (long k = 0; k < c; ++k) yp[k] = xp[k];
    }
  }
}

// dx[b, q, p, :] = Σ dy[b, i, j, :] over rows[i] = q and cols[j] = p (-1: the row or column
// adds to nothing). Each dx row is one thread's, summed in the order i, then j ascending (that of
// tfjs's cpu kernel), so that the result is the same for any thread count.
void scatterAdd(const ResizeGeo &g, const float *dy, const int32_t *rows, const int32_t *cols, float *dx) {
  // The dy rows of each input row, ascending (a counting sort of `rows`), allocated here: an
  // exception (std::bad_alloc) must not leave an OpenMP region (it would abort the process).
  std::vector<long> first(static_cast<size_t>(g.h) + 1, 0), from(static_cast<size_t>(g.oh));
  for (long i = 0; i < g.oh; ++i)
    if (rows[i] >= 0) ++first[rows[i] + 1];
  for (long q = 0; q < g.h; ++q) first[q + 1] += first[q];
  {
    std::vector<long> next(first.begin(), first.end() - 1);
    for (long i = 0; i < g.oh; ++i)
      if (rows[i] >= 0) from[next[rows[i]]++] = i;
  }
  const long c = g.c;
#pragma omp parallel for schedule(static) if (count(g.n, g.oh, g.ow, g.c) > kPar)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, q = r % g.h;
    float *dr = dx + r * g.w * c;
    std::memset(dr, 0, sizeof(float) * g.w * c);
    for (long k = first[q]; k < first[q + 1]; ++k) {
      const float *dyr = dy + (b * g.oh + from[k]) * g.ow * c;
      if (c == 1) {
        for (long j = 0; j < g.ow; ++j)
          if (cols[j] >= 0) dr[cols[j]] += dyr[j];
        continue;
      }
      for (long j = 0; j < g.ow; ++j) {
        if (cols[j] < 0) continue;
        float *d = dr + cols[j] * c;
        const float *s = dyr + j * c;
#pragma omp simd
        for (long e = 0; e < c; ++e) d[e] += s[e];
      }
    }
  }
}

// resizeNearest(heap, x, y, rows, cols, geometry[6]): y = x resized, rows[i] ∈ [0, h) the input
// row of output row i, cols[j] ∈ [0, w) the input column of output column j.
napi_value ResizeNearest(Args &a) {
  const ResizeGeo g = readResize(a, 4);
  const float *x = a.span<const float>(0, count(g.n, g.h, g.w, g.c));
  float *y = a.span<float>(1, count(g.n, g.oh, g.ow, g.c));
  const int32_t *rows = a.span<const int32_t>(2, g.oh);
  const int32_t *cols = a.span<const int32_t>(3, g.ow);
  checkTable(a, rows, g.oh, 0, g.h, "rows", "an input row");
  checkTable(a, cols, g.ow, 0, g.w, "cols", "an input column");
  if (!a.ok()) return a.fail();
  gather(g, x, rows, cols, y);
  return a.result(true);
}

// resizeNearestGrad(heap, dy, dx, rows, cols, geometry[6]): dx[b, q, p, :] = Σ dy[b, i, j, :] over
// the output pixels with rows[i] = q and cols[j] = p; an entry -1 leaves its row or column out.
napi_value ResizeNearestGrad(Args &a) {
  const ResizeGeo g = readResize(a, 4);
  const float *dy = a.span<const float>(0, count(g.n, g.oh, g.ow, g.c));
  float *dx = a.span<float>(1, count(g.n, g.h, g.w, g.c));
  const int32_t *rows = a.span<const int32_t>(2, g.oh);
  const int32_t *cols = a.span<const int32_t>(3, g.ow);
  checkTable(a, rows, g.oh, -1, g.h, "rows", "an input row or -1");
  checkTable(a, cols, g.ow, -1, g.w, "cols", "an input column or -1");
  if (!a.ok()) return a.fail();
  scatterAdd(g, dy, rows, cols, dx);
  return a.result(true);
}

}  // namespace

const Kernel kResizeNearest{"resizeNearest", "x, y, rows, cols, " AEKIT_RESIZE_GEOMETRY, ResizeNearest};
const Kernel kResizeNearestGrad{"resizeNearestGrad", "dy, dx, rows, cols, " AEKIT_RESIZE_GEOMETRY, ResizeNearestGrad};

}  // namespace AEKIT_ISA_NS
