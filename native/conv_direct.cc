// aekit's own convolution kernels for one input channel, the filter and input gradients for a
// few, and all three directions for a few output channels (see conv.h).
#include <omp.h>

#include <algorithm>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

#include "args.h"
#include "conv.h"
#include "kernels.h"

namespace AEKIT_ISA_NS {

// One input channel (ci = 1): oneDNN 2.6 runs these gradients through its generic GEMM path at
// 1–5 GFLOP/s (the input gradient of the seed model's first convolution, and the forward pass of
// its last transposed convolution, 16 → 1 channels, and their filter gradients). Here each is a
// direct loop vectorised over the output channels (AVX2 or AVX-512, isa.h); measured 2–3× faster
// than oneDNN for the seed model's shapes on AVX2 (batch 32: 28×28 input gradient 1.55 → 0.6 ms,
// 14→28 transposed convolution 0.95 → 0.35 ms, 28×28 filter gradient 0.61 → 0.26 ms).

constexpr long kParWork = 1L << 18;  // multiply-adds below which one thread is faster than two

// For each input row (or column) i, the kernel taps k that reach it and the output index o they
// come from: i = o·s − p + k·d with 0 ≤ o < no. Flattened, row i at i·(2·kn + 1): the count,
// then (k, o) pairs.
std::vector<long> tapTable(long ni, long no, long kn, long s, long p, long d) {
  std::vector<long> t(static_cast<size_t>(ni) * (2 * kn + 1), 0);
  for (long i = 0; i < ni; ++i) {
    long *row = t.data() + i * (2 * kn + 1);
    for (long k = 0; k < kn; ++k) {
      const long u = i + p - k * d;
      if (u < 0 || u % s != 0 || u / s >= no) continue;
      row[1 + 2 * row[0]] = k;
      row[2 + 2 * row[0]] = u / s;
      ++row[0];
    }
  }
  return t;
}

// dx[b, ih, iw] = Σ_{kh, kw} Σ_co dy[b, oh, ow, co] · w[kh, kw, 0, co], where ih = oh·sh − pt + kh·dh,
// for a channel count known at compile time (the loops unroll into registers), with two
// accumulators, even and odd taps, so that the multiply-adds do not wait on each other.
template <int CO>
void backwardDataC1Fixed(const Geo &g, const float *dy, const float *w, float *dx, const std::vector<long> &rows,
                         const std::vector<long> &cols) {
  const long rs = 2 * g.kh + 1, cs = 2 * g.kw + 1;
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.kh * g.kw * CO > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    const float *dps[64];
    const float *fps[64];
    for (long iw = 0; iw < g.w; ++iw) {
      const long *ct = cols.data() + iw * cs;
      int nt = 0;
      for (long i = 0; i < rt[0]; ++i) {
        const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
        for (long j = 0; j < ct[0]; ++j) {
          dps[nt] = dy + ((b * g.ho + oh) * g.wo + ct[2 + 2 * j]) * CO;
          fps[nt] = w + (kh * g.kw + ct[1 + 2 * j]) * CO;
          ++nt;
        }
      }
      float A[CO] = {}, B[CO] = {};
      int t = 0;
      for (; t + 1 < nt; t += 2) {
        const float *d0 = dps[t], *f0 = fps[t], *d1 = dps[t + 1], *f1 = fps[t + 1];
#pragma omp simd
        for (int c = 0; c < CO; ++c) {
          A[c] += d0[c] * f0[c];
          B[c] += d1[c] * f1[c];
        }
      }
      if (t < nt) {
        const float *d0 = dps[t], *f0 = fps[t];
#pragma omp simd
        for (int c = 0; c < CO; ++c) A[c] += d0[c] * f0[c];
      }
      float sum = 0;
      for (int c = 0; c < CO; ++c) sum += A[c] + B[c];
      dx[r * g.w + iw] = sum;
    }
  }
}

// The same for any channel count (one 8-lane accumulator and a scalar tail).
void backwardDataC1(const Geo &g, const float *dy, const float *w, float *dx) {
  const long co = g.co, co8 = co - co % 8;
  const std::vector<long> rows = tapTable(g.h, g.ho, g.kh, g.sh, g.pt, g.dh);
  const std::vector<long> cols = tapTable(g.w, g.wo, g.kw, g.sw, g.pl, g.dw);
  const long rs = 2 * g.kh + 1, cs = 2 * g.kw + 1;
  if (g.kh * g.kw <= 64) {
    if (co == 8) return backwardDataC1Fixed<8>(g, dy, w, dx, rows, cols);
    if (co == 16) return backwardDataC1Fixed<16>(g, dy, w, dx, rows, cols);
    if (co == 32) return backwardDataC1Fixed<32>(g, dy, w, dx, rows, cols);
  }
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.kh * g.kw * co > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    for (long iw = 0; iw < g.w; ++iw) {
      const long *ct = cols.data() + iw * cs;
      float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      float tail = 0;
      for (long i = 0; i < rt[0]; ++i) {
        const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
        for (long j = 0; j < ct[0]; ++j) {
          const long kw = ct[1 + 2 * j], ow = ct[2 + 2 * j];
          const float *d = dy + ((b * g.ho + oh) * g.wo + ow) * co;
          const float *f = w + (kh * g.kw + kw) * co;
          for (long c = 0; c < co8; c += 8)
#pragma omp simd
            for (int l = 0; l < 8; ++l) lanes[l] += d[c + l] * f[c + l];
          for (long c = co8; c < co; ++c) tail += d[c] * f[c];
        }
      }
      float sum = tail;
      for (int l = 0; l < 8; ++l) sum += lanes[l];
      dx[r * g.w + iw] = sum;
    }
  }
}

// dw[kh, kw, c, co] = Σ_{b, oh, ow} x[b, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw, c] · dy[b, oh, ow, co]
// for c < ci ≤ kFewChannels; each image is first copied into a zero-padded buffer (no bounds
// checks in the loop); float sums per image, added up in double. oneDNN 2.6 runs this gradient for
// 3 input channels (an RGB image's first convolution) at 0.2 GFLOP/s (measured: 127 ms of a
// 240 ms CIFAR-shaped training step at batch 32).
template <int CO, int CI>
void backwardFilterFewT(const Geo &g, const float *x, const float *dy, float *dw) {
  const long co = CO > 0 ? CO : g.co, ci = CI > 0 ? CI : g.ci, taps = g.kh * g.kw, nw = taps * ci * co;
  // padded extent: every position any tap reads, (o·s + k·d) for o < no, k < kn
  const long hp = (g.ho - 1) * g.sh + (g.kh - 1) * g.dh + 1, wp = (g.wo - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const int nt = g.n * g.ho * g.wo * taps * ci * co > kParWork ? omp_get_max_threads() : 1;
  std::vector<double> total(static_cast<size_t>(nt) * nw, 0.0);
  // Each thread allocates its accumulators and padded image with new (nothrow): an exception must
  // not leave an OpenMP region (it would abort the process), so a failed allocation is reported
  // after it. (Fresh allocations also tell the compiler that they alias nothing, which the inner
  // loop's vectorisation relies on.)
  if (count(hp, wp, ci) >= 0x1p60) throw std::bad_alloc();
  bool outOfMemory = false;
#pragma omp parallel num_threads(nt)
  {
    std::unique_ptr<float[]> accBuffer(new (std::nothrow) float[nw]);
    std::unique_ptr<float[]> xpBuffer(new (std::nothrow) float[static_cast<size_t>(hp) * wp * ci]);
    float *acc = accBuffer.get(), *xp = xpBuffer.get();
    if (acc == nullptr || xp == nullptr) {
#pragma omp atomic write
      outOfMemory = true;
    }
    double *mine = total.data() + static_cast<size_t>(omp_get_thread_num()) * nw;
#pragma omp for schedule(static)
    for (long b = 0; b < g.n; ++b) {
      if (acc == nullptr || xp == nullptr) continue;
      for (long i = 0; i < hp; ++i) {
        const long ih = i - g.pt;
        for (long j = 0; j < wp; ++j) {
          const long iw = j - g.pl;
          const bool inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
          for (long c = 0; c < ci; ++c) xp[(i * wp + j) * ci + c] = inside ? x[((b * g.h + ih) * g.w + iw) * ci + c] : 0.f;
        }
      }
      std::fill(acc, acc + nw, 0.f);
      for (long oh = 0; oh < g.ho; ++oh)
        for (long ow = 0; ow < g.wo; ++ow) {
          const float *d = dy + ((b * g.ho + oh) * g.wo + ow) * co;
          const float *xo = xp + (oh * g.sh * wp + ow * g.sw) * ci;
          for (long kh = 0; kh < g.kh; ++kh)
            for (long kw = 0; kw < g.kw; ++kw) {
              const float *xk = xo + (kh * g.dh * wp + kw * g.dw) * ci;
              float *a = acc + (kh * g.kw + kw) * ci * co;
              for (long c = 0; c < ci; ++c) {
                const float xv = xk[c];
                float *ac = a + c * co;
#pragma omp simd
                for (long o = 0; o < co; ++o) ac[o] += xv * d[o];
              }
            }
        }
      for (long k = 0; k < nw; ++k) mine[k] += acc[k];
    }
  }
  if (outOfMemory) throw std::bad_alloc();
  for (long k = 0; k < nw; ++k) {
    double v = 0;
    for (int t = 0; t < nt; ++t) v += total[static_cast<size_t>(t) * nw + k];
    dw[k] = static_cast<float>(v);
  }
}

// Channel counts known at compile time unroll the inner loops (0: any count).
template <int CI>
void backwardFilterFewCi(const Geo &g, const float *x, const float *dy, float *dw) {
  if (g.co == 8) return backwardFilterFewT<8, CI>(g, x, dy, dw);
  if (g.co == 16) return backwardFilterFewT<16, CI>(g, x, dy, dw);
  if (g.co == 32) return backwardFilterFewT<32, CI>(g, x, dy, dw);
  backwardFilterFewT<0, CI>(g, x, dy, dw);
}

void backwardFilterFew(const Geo &g, const float *x, const float *dy, float *dw) {
  if (g.ci == 1) return backwardFilterFewCi<1>(g, x, dy, dw);
  if (g.ci == 3) return backwardFilterFewCi<3>(g, x, dy, dw);
  backwardFilterFewCi<0>(g, x, dy, dw);
}

// A few output channels (co ≤ kFewOutChannels): the last convolution of an image decoder
// (16 → 3 channels, 3×3, on 32×32 images in the upsample decoder). oneDNN 2.6 blocks output
// channels by 8 or 16 and runs these at 2.5–6 GFLOP/s in all three directions (measured, batch
// 32: forward 9.4 ms, input gradient 4.9 ms, filter gradient 11.2 ms). Here each is a direct loop
// with the CO output channels' sums in registers, vectorised over input channels (ci = 16 is two
// AVX2 vectors), or over a filter row's kw·ci contiguous inputs in the forward pass.

constexpr int kLanes = 8;

// The forward pass, y[b, oh, ow, o] = bias[o] + Σ_{kh, kw, c} x[b, ih, iw, c] · w[kh, kw, c, o]
// with ih = oh·sh − pt + kh, iw = ow·sw − pl + kw (dilation 1). With the filter reordered to
// [o][kh][kw][c], one filter row's taps that fall inside the image are one contiguous run of
// (kw1 − kw0)·ci inputs and weights, so the padding costs no bounds checks in the inner loop.
template <int CO>
void forwardFewCoT(const Geo &g, const float *x, const float *w, const float *bias, float *y) {
  const long ci = g.ci, rowLen = g.kw * ci, perOut = g.kh * rowLen;
  std::vector<float> wr(static_cast<size_t>(CO) * perOut);
  for (long t = 0; t < g.kh * g.kw; ++t)
    for (long c = 0; c < ci; ++c)
      for (int o = 0; o < CO; ++o) wr[o * perOut + t * ci + c] = w[(t * ci + c) * CO + o];
  const float *wrp = wr.data();
  const long rows = g.n * g.ho;
#pragma omp parallel for schedule(static) if (rows * g.wo * perOut * CO > kParWork)
  for (long r = 0; r < rows; ++r) {
    const long b = r / g.ho, oh = r % g.ho;
    const long top = oh * g.sh - g.pt;
    const long kh0 = std::max(0L, -top), kh1 = std::min(g.kh, g.h - top);
    for (long ow = 0; ow < g.wo; ++ow) {
      const long left = ow * g.sw - g.pl;
      const long kw0 = std::max(0L, -left), kw1 = std::min(g.kw, g.w - left);
      const long len = kw1 > kw0 ? (kw1 - kw0) * ci : 0, len8 = len - len % kLanes;
      float acc[CO][kLanes] = {};
      float tail[CO] = {};
      for (long kh = kh0; kh < kh1; ++kh) {
        const float *xr = x + ((b * g.h + top + kh) * g.w + left + kw0) * ci;
        const float *wk = wrp + kh * rowLen + kw0 * ci;
        for (long i = 0; i < len8; i += kLanes)
          for (int o = 0; o < CO; ++o)
#pragma omp simd
            for (int l = 0; l < kLanes; ++l) acc[o][l] += xr[i + l] * wk[o * perOut + i + l];
        for (long i = len8; i < len; ++i)
          for (int o = 0; o < CO; ++o) tail[o] += xr[i] * wk[o * perOut + i];
      }
      float *yp = y + (r * g.wo + ow) * CO;
      for (int o = 0; o < CO; ++o) {
        float s = tail[o] + (bias != nullptr ? bias[o] : 0.f);
        for (int l = 0; l < kLanes; ++l) s += acc[o][l];
        yp[o] = s;
      }
    }
  }
}

// The output columns whose filter column kw lands inside the input: iw = ow·sw − pl + kw·dw in
// [0, w) for ow in [lo[kw], hi[kw]).
void columnRanges(const Geo &g, std::vector<long> &lo, std::vector<long> &hi) {
  lo.assign(g.kw, 0);
  hi.assign(g.kw, 0);
  for (long kw = 0; kw < g.kw; ++kw) {
    long a = 0, z = g.wo;
    while (a < z && a * g.sw - g.pl + kw * g.dw < 0) ++a;
    while (z > a && (z - 1) * g.sw - g.pl + kw * g.dw >= g.w) --z;
    lo[kw] = a;
    hi[kw] = z;
  }
}

// One filter tap's contribution to NB input channels of `count` input pixels `step` floats apart
// (the stride): d[t·step + l] += Σ_o dy[t, o] · w[o][l], the tap's CO × NB weights in registers.
template <int CO, int NB>
void backwardDataBlock(const float *dp, long count, long step, const float *wp, long ci, float *d) {
  float wv[CO][NB];
  for (int o = 0; o < CO; ++o)
    for (int l = 0; l < NB; ++l) wv[o][l] = wp[o * ci + l];
  for (long t = 0; t < count; ++t) {
    float *dv = d + t * step;
    const float *dd = dp + t * CO;
    float acc[NB];
    for (int l = 0; l < NB; ++l) acc[l] = dv[l];
    for (int o = 0; o < CO; ++o) {
      const float s = dd[o];
#pragma omp simd
      for (int l = 0; l < NB; ++l) acc[l] += s * wv[o][l];
    }
    for (int l = 0; l < NB; ++l) dv[l] = acc[l];
  }
}

// The input gradient, dx[b, ih, iw, c] = Σ_{kh, kw, o} dy[b, oh, ow, o] · w[kh, kw, c, o] over
// the taps with ih = oh·sh − pt + kh·dh, iw = ow·sw − pl + kw·dw: one input row at a time, each
// tap reaching it added along the row (w reordered to [kh][kw][o][c]), in blocks of 16 and 8
// input channels, the rest one by one.
template <int CO>
void backwardDataFewCoT(const Geo &g, const float *dy, const float *w, float *dx) {
  const long ci = g.ci, taps = g.kh * g.kw;
  std::vector<float> wt(static_cast<size_t>(taps) * CO * ci);
  for (long t = 0; t < taps; ++t)
    for (long c = 0; c < ci; ++c)
      for (int o = 0; o < CO; ++o) wt[(t * CO + o) * ci + c] = w[(t * ci + c) * CO + o];
  const std::vector<long> rows = tapTable(g.h, g.ho, g.kh, g.sh, g.pt, g.dh);
  std::vector<long> lo, hi;
  columnRanges(g, lo, hi);
  const long rs = 2 * g.kh + 1, step = g.sw * ci;
  const float *wtp = wt.data();
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * taps * ci * CO > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    float *dxr = dx + r * g.w * ci;
    std::fill(dxr, dxr + g.w * ci, 0.f);
    for (long i = 0; i < rt[0]; ++i) {
      const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
      const float *dyr = dy + (b * g.ho + oh) * g.wo * CO;
      for (long kw = 0; kw < g.kw; ++kw) {
        const long count = hi[kw] - lo[kw];
        if (count <= 0) continue;
        const float *dp = dyr + lo[kw] * CO;
        const float *wp = wtp + (kh * g.kw + kw) * CO * ci;
        float *d = dxr + (lo[kw] * g.sw - g.pl + kw * g.dw) * ci;
        long c0 = 0;
        for (; c0 + 16 <= ci; c0 += 16) backwardDataBlock<CO, 16>(dp, count, step, wp + c0, ci, d + c0);
        for (; c0 + 8 <= ci; c0 += 8) backwardDataBlock<CO, 8>(dp, count, step, wp + c0, ci, d + c0);
        for (; c0 < ci; ++c0) backwardDataBlock<CO, 1>(dp, count, step, wp + c0, ci, d + c0);
      }
    }
  }
}

// One filter tap's NB input channels from c0, over `count` output pixels of one row: a[o·ci + l]
// += Σ_t dy[t, o] · x[t, c0 + l], x's pixels `step` floats apart (the stride).
template <int CO, int NB>
void backwardFilterBlock(const float *xp, long step, const float *dp, long count, long ci, float *a) {
  float s[CO][NB] = {};
  for (long t = 0; t < count; ++t) {
    const float *xv = xp + t * step;
    const float *d = dp + t * CO;
    for (int o = 0; o < CO; ++o) {
      const float dv = d[o];
#pragma omp simd
      for (int l = 0; l < NB; ++l) s[o][l] += dv * xv[l];
    }
  }
  for (int o = 0; o < CO; ++o)
    for (int l = 0; l < NB; ++l) a[o * ci + l] += s[o][l];
}

// Rows of dy per partial sum of the filter gradient: at least kChunkPixels output pixels, and at
// most kMaxChunks partial sums (fewer for large filters). Both depend on the geometry only, so
// the result does not depend on the thread count.
constexpr long kChunkPixels = 256, kMaxChunks = 256, kMaxPartialFloats = 1L << 22;

// The filter gradient, dw[kh, kw, c, o] = Σ_{b, oh, ow} x[b, ih, iw, c] · dy[b, oh, ow, o]
// (dilation 1): the n·ho rows of dy cut into chunks of consecutive rows, each chunk's float sums
// in its own buffer ([kh][kw][o][c], the CO × 16 sums of one tap in registers across a row),
// threads taking whole chunks; the chunks are then added in order in double (deterministic).
template <int CO>
void backwardFilterFewCoT(const Geo &g, const float *x, const float *dy, float *dw) {
  const long ci = g.ci, taps = g.kh * g.kw, nw = taps * CO * ci, rows = g.n * g.ho;
  const long maxChunks = std::max(1L, std::min(kMaxChunks, kMaxPartialFloats / nw));
  const long perChunk = std::max((kChunkPixels + g.wo - 1) / g.wo, (rows + maxChunks - 1) / maxChunks);
  const long chunks = (rows + perChunk - 1) / perChunk;
  std::vector<float> part(static_cast<size_t>(chunks) * nw, 0.f);
  std::vector<long> lo, hi;
  columnRanges(g, lo, hi);
  float *partp = part.data();
#pragma omp parallel for schedule(static) if (rows * g.wo * taps * ci * CO > kParWork)
  for (long k = 0; k < chunks; ++k) {
    float *acc = partp + k * nw;
    for (long r = k * perChunk; r < std::min(rows, (k + 1) * perChunk); ++r) {
      const long b = r / g.ho, oh = r % g.ho;
      const float *dr = dy + r * g.wo * CO;
      for (long kh = 0; kh < g.kh; ++kh) {
        const long ih = oh * g.sh - g.pt + kh;
        if (ih < 0 || ih >= g.h) continue;
        const float *xr = x + (b * g.h + ih) * g.w * ci;
        for (long kw = 0; kw < g.kw; ++kw) {
          const long n = hi[kw] - lo[kw];
          if (n <= 0) continue;
          const float *xp = xr + (lo[kw] * g.sw - g.pl + kw) * ci;
          const float *dp = dr + lo[kw] * CO;
          float *a = acc + (kh * g.kw + kw) * CO * ci;
          const long step = g.sw * ci;
          long c0 = 0;
          for (; c0 + 16 <= ci; c0 += 16) backwardFilterBlock<CO, 16>(xp + c0, step, dp, n, ci, a + c0);
          for (; c0 + 8 <= ci; c0 += 8) backwardFilterBlock<CO, 8>(xp + c0, step, dp, n, ci, a + c0);
          for (; c0 < ci; ++c0) backwardFilterBlock<CO, 1>(xp + c0, step, dp, n, ci, a + c0);
        }
      }
    }
  }
  for (long t = 0; t < taps; ++t)
    for (int o = 0; o < CO; ++o)
      for (long c = 0; c < ci; ++c) {
        const long e = (t * CO + o) * ci + c;
        double v = 0;
        for (long k = 0; k < chunks; ++k) v += part[static_cast<size_t>(k) * nw + e];
        dw[(t * ci + c) * CO + o] = static_cast<float>(v);
      }
}

// A few input channels (2 ≤ ci ≤ kFewChannels), the input gradient: also the transposed
// convolution to a few channels, the forward pass of an image decoder's last layer (4×4 with
// stride 2 to 3 channels for upsampleConv2d, which oneDNN 2.6 runs on its GEMM).
// dx[b, ih, iw, c] = Σ_{kh, kw, o} dy[b, oh, ow, o] · w[kh, kw, c, o] over ih = oh·sh − pt + kh,
// iw = ow·sw − pl + kw (dilation 1). The columns iw of one phase φ = (iw + pl) mod sw read the
// same taps kw = φ + j·sw, from consecutive output columns ow = (iw + pl) / sw − j: with dy
// transposed to [b][oh][o][ow] (zero-padded so that every tap's run lies inside), kLanes such
// columns are one vector of each tap's run, and each multiply-add takes one weight for kLanes
// pixels (no horizontal sums over the output channels).
template <int CI>
void backwardDataFewCiT(const Geo &g, const float *dy, const float *w, float *dx) {
  const long co = g.co, s = g.sw, nmax = (g.kw + s - 1) / s;
  const long qmax = (g.w - 1 + g.pl) / s;  // the largest (iw + pl) / sw
  constexpr int kBlock = 2 * kLanes;  // columns per block: 2·CI independent sums of kLanes
  const long width = std::max(g.wo, qmax + 1) + nmax + kBlock, left = nmax;
  std::vector<float> dyt(static_cast<size_t>(g.n * g.ho * co * width), 0.f);
#pragma omp parallel for schedule(static) if (g.n * g.ho * g.wo * co > kParWork)
  for (long r = 0; r < g.n * g.ho; ++r)
    for (long ow = 0; ow < g.wo; ++ow)
      for (long o = 0; o < co; ++o) dyt[(r * co + o) * width + left + ow] = dy[(r * g.wo + ow) * co + o];
  const std::vector<long> rows = tapTable(g.h, g.ho, g.kh, g.sh, g.pt, 1);
  const long rs = 2 * g.kh + 1;
  const float *dtp = dyt.data();
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.kh * nmax * CI * co > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    float *dxr = dx + r * g.w * CI;
    for (long phase = 0; phase < s; ++phase) {
      const long first = ((phase - g.pl) % s + s) % s;  // the first column of this phase
      if (first >= g.w) continue;
      const long count = (g.w - 1 - first) / s + 1, q0 = (first + g.pl) / s;
      const long taps = phase < g.kw ? (g.kw - phase + s - 1) / s : 0;
      for (long k0 = 0; k0 < count; k0 += kBlock) {
        float acc[CI][kBlock] = {};
        for (long i = 0; i < rt[0]; ++i) {
          const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
          for (long j = 0; j < taps; ++j) {
            const float *src = dtp + (b * g.ho + oh) * co * width + left + q0 + k0 - j;
            const float *wk = w + (kh * g.kw + phase + j * s) * CI * co;
            for (long o = 0; o < co; ++o) {
              const float *so = src + o * width;
              for (int c = 0; c < CI; ++c) {
                const float wv = wk[c * co + o];
#pragma omp simd
                for (int l = 0; l < kBlock; ++l) acc[c][l] += so[l] * wv;
              }
            }
          }
        }
        const long n = std::min<long>(kBlock, count - k0);
        for (long l = 0; l < n; ++l)
          for (int c = 0; c < CI; ++c) dxr[(first + (k0 + l) * s) * CI + c] = acc[c][l];
      }
    }
  }
}

void backwardDataFewCi(const Geo &g, const float *dy, const float *w, float *dx) {
  switch (g.ci) {
    case 2: return backwardDataFewCiT<2>(g, dy, w, dx);
    case 3: return backwardDataFewCiT<3>(g, dy, w, dx);
    case 4: return backwardDataFewCiT<4>(g, dy, w, dx);
    default: throw std::invalid_argument("aekit native: the few-input-channel input gradient called for other than 2 to 4 channels");
  }
}

// Calls F<co> for co in 1..kFewOutChannels.
#define AEKIT_FEW_CO_DISPATCH(f, ...)                                                 \
  switch (g.co) {                                                                      \
    case 1: return f<1>(__VA_ARGS__);                                                  \
    case 2: return f<2>(__VA_ARGS__);                                                  \
    case 3: return f<3>(__VA_ARGS__);                                                  \
    case 4: return f<4>(__VA_ARGS__);                                                  \
    default: throw std::invalid_argument("aekit native: a few-output-channel kernel called for more than 4 channels"); \
  }

void forwardFewCo(const Geo &g, const float *x, const float *w, const float *bias, float *y) {
  AEKIT_FEW_CO_DISPATCH(forwardFewCoT, g, x, w, bias, y)
}
void backwardDataFewCo(const Geo &g, const float *dy, const float *w, float *dx) {
  AEKIT_FEW_CO_DISPATCH(backwardDataFewCoT, g, dy, w, dx)
}
void backwardFilterFewCo(const Geo &g, const float *x, const float *dy, float *dw) {
  AEKIT_FEW_CO_DISPATCH(backwardFilterFewCoT, g, x, dy, dw)
}
#undef AEKIT_FEW_CO_DISPATCH

}  // namespace aekit
