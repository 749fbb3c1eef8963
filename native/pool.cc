// Max pooling (NHWC) and its gradient.
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "args.h"
#include "kernels.h"

namespace AEKIT_ISA_NS {
namespace {

// Max pooling (NHWC), with tfjs's semantics: the first maximum of a window (row-major) wins,
// padded positions are skipped.

struct PoolGeo {
  long n, h, w, c, ho, wo, kh, kw, sh, sw, pt, pl;
};

// The names of a pooling geometry's 12 numbers, in the order JavaScript passes them (native.ts's
// `poolGeometry`): batch, input height, width and channels, output height and width, window
// height and width, strides, paddings top and left.
#define AEKIT_POOL_GEOMETRY "n, h, w, c, ho, wo, kh, kw, sh, sw, pt, pl"

// Reads the geometry from argument i on: the input's sizes ≥ 1, the output's ≥ 0, windows and
// strides ≥ 1, paddings integers. The kernels skip window positions outside the input, so any
// such geometry stays inside the buffers.
PoolGeo readPool(Args &a, size_t i) {
  PoolGeo g;
  g.n = a.size(i);
  g.h = a.positive(i + 1), g.w = a.positive(i + 2), g.c = a.positive(i + 3);
  g.ho = a.size(i + 4), g.wo = a.size(i + 5);
  g.kh = a.positive(i + 6), g.kw = a.positive(i + 7), g.sh = a.positive(i + 8), g.sw = a.positive(i + 9);
  g.pt = a.signedInt(i + 10), g.pl = a.signedInt(i + 11);
  return g;
}

// maxPool(heap, x, y, geometry[12])
napi_value MaxPool(Args &a) {
  const PoolGeo g = readPool(a, 2);
  const float *x = a.span<const float>(0, count(g.n, g.h, g.w, g.c));
  float *y = a.span<float>(1, count(g.n, g.ho, g.wo, g.c));
  if (!a.ok()) return a.fail();
#pragma omp parallel for schedule(static) if (g.n * g.ho * g.wo * g.c > 16384)
  for (long r = 0; r < g.n * g.ho; ++r) {
    long b = r / g.ho, oh = r % g.ho;
    for (long ow = 0; ow < g.wo; ++ow) {
      float *yo = y + ((r * g.wo) + ow) * g.c;
      for (long c = 0; c < g.c; ++c) yo[c] = -INFINITY;
      for (long i = 0; i < g.kh; ++i) {
        long ih = oh * g.sh - g.pt + i;
        if (ih < 0 || ih >= g.h) continue;
        for (long j = 0; j < g.kw; ++j) {
          long iw = ow * g.sw - g.pl + j;
          if (iw < 0 || iw >= g.w) continue;
          const float *xi = x + ((b * g.h + ih) * g.w + iw) * g.c;
          for (long c = 0; c < g.c; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];
        }
      }
    }
  }
  return a.result(true);
}

// maxPoolGrad(heap, dy, x, dx, geometry[12]): dy goes to the first maximum of each window of x.
napi_value MaxPoolGrad(Args &args) {
  const PoolGeo g = readPool(args, 3);
  const float *dy = args.span<const float>(0, count(g.n, g.ho, g.wo, g.c));
  const float *x = args.span<const float>(1, count(g.n, g.h, g.w, g.c));
  float *dx = args.span<float>(2, count(g.n, g.h, g.w, g.c));
  if (!args.ok()) return args.fail();
  const long img = g.h * g.w * g.c;
  if (g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.pt == 0 && g.pl == 0 && 2 * g.ho <= g.h && 2 * g.wo <= g.w) {
    // 2×2 windows, stride 2, no padding (the seed model's pools): the windows do not overlap, so
    // each input pixel gets its window's dy or 0; the first maximum in row-major order wins.
    const long c = g.c;
#pragma omp parallel for schedule(static) if (g.n * img > 16384)
    for (long r = 0; r < g.n * g.ho; ++r) {
      const long b = r / g.ho, oh = r % g.ho;
      const float *x0 = x + (b * g.h + 2 * oh) * g.w * c, *x1 = x0 + g.w * c;
      float *d0 = dx + (b * g.h + 2 * oh) * g.w * c, *d1 = d0 + g.w * c;
      const float *dyr = dy + r * g.wo * c;
      for (long ow = 0; ow < g.wo; ++ow) {
        const long o = 2 * ow * c;
#pragma omp simd
        for (long k = 0; k < c; ++k) {
          const float a = x0[o + k], bb = x0[o + c + k], cc = x1[o + k], dd = x1[o + c + k];
          const float g1 = dyr[ow * c + k];
          // index of the first maximum: compare in row-major order, later ones win only if greater
          float m = a;
          int at = 0;
          at = bb > m ? 1 : at; m = bb > m ? bb : m;
          at = cc > m ? 2 : at; m = cc > m ? cc : m;
          at = dd > m ? 3 : at;
          d0[o + k] = at == 0 ? g1 : 0.f;
          d0[o + c + k] = at == 1 ? g1 : 0.f;
          d1[o + k] = at == 2 ? g1 : 0.f;
          d1[o + c + k] = at == 3 ? g1 : 0.f;
        }
      }
      // columns no window covers (odd width)
      for (long iw = 2 * g.wo; iw < g.w; ++iw) {
        std::memset(d0 + iw * c, 0, sizeof(float) * c);
        std::memset(d1 + iw * c, 0, sizeof(float) * c);
      }
    }
    // rows no window covers (odd height)
    if (2 * g.ho < g.h)
      for (long b = 0; b < g.n; ++b)
        std::memset(dx + (b * g.h + 2 * g.ho) * g.w * c, 0, sizeof(float) * (g.h - 2 * g.ho) * g.w * c);
    return args.result(true);
  }
  // Each thread's running maxima and their positions, allocated here: an exception
  // (std::bad_alloc) must not leave an OpenMP region (it would abort the process).
  const size_t slots = static_cast<size_t>(omp_get_max_threads()) * g.c;
  std::vector<float> bests(slots);
  std::vector<long> positions(slots);
#pragma omp parallel for schedule(static) if (g.n * img > 16384)
  for (long b = 0; b < g.n; ++b) {
    std::memset(dx + b * img, 0, sizeof(float) * img);
    float *best = bests.data() + static_cast<size_t>(omp_get_thread_num()) * g.c;
    long *pos = positions.data() + static_cast<size_t>(omp_get_thread_num()) * g.c;
    for (long oh = 0; oh < g.ho; ++oh)
      for (long ow = 0; ow < g.wo; ++ow) {
        for (long c = 0; c < g.c; ++c) best[c] = -INFINITY, pos[c] = -1;
        for (long i = 0; i < g.kh; ++i) {
          long ih = oh * g.sh - g.pt + i;
          if (ih < 0 || ih >= g.h) continue;
          for (long j = 0; j < g.kw; ++j) {
            long iw = ow * g.sw - g.pl + j;
            if (iw < 0 || iw >= g.w) continue;
            long off = (ih * g.w + iw) * g.c;
            const float *xi = x + b * img + off;
            for (long c = 0; c < g.c; ++c)
              if (xi[c] > best[c] || pos[c] < 0) best[c] = xi[c], pos[c] = off + c;
          }
        }
        const float *dyo = dy + ((b * g.ho + oh) * g.wo + ow) * g.c;
        for (long c = 0; c < g.c; ++c)
          if (pos[c] >= 0) dx[b * img + pos[c]] += dyo[c];
      }
  }
  return args.result(true);
}

}  // namespace

const Kernel kMaxPool{"maxPool", "x, y, " AEKIT_POOL_GEOMETRY, MaxPool};
const Kernel kMaxPoolGrad{"maxPoolGrad", "dy, x, dx, " AEKIT_POOL_GEOMETRY, MaxPoolGrad};

}  // namespace aekit
