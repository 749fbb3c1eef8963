// aekit's own convolution kernels for one input channel, and the filter gradient for a few (see conv.h).
#include <omp.h>

#include <algorithm>
#include <memory>
#include <new>
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

}  // namespace aekit
