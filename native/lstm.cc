// LSTM over a whole sequence (Keras's gate order i, f, c̃, o; sigmoid gates, tanh cell), forward
// and backpropagation through time, so that a layer is two kernels instead of ~15 small ops per
// time step. Layouts are tfjs's: x [B, T, F], kernel [F, 4U], recurrent kernel [U, 4U], bias
// [4U], h and c [B, T, U], gates [B, T, 4U] (the activated gate values, kept for the backward
// pass). Matrix products run on oneDNN's sgemm (row-major), one per time step for the recurrent
// part and one for the whole sequence for the input part.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "sgemm.h"
#include "threads.h"

namespace AEKIT_ISA_NS {
namespace {

// lstmForward(heap, x, kernel, recurrentKernel, bias, h, c, gates, B, T, F, U); false when
// oneDNN's sgemm fails.
napi_value LstmForward(Args &a) {
  const long B = a.size(7), T = a.size(8), F = a.size(9), U = a.size(10), G = 4 * U;
  const float *x = a.span<const float>(0, count(B, T, F)), *w = a.span<const float>(1, count(F, G));
  const float *u = a.span<const float>(2, count(U, G)), *bias = a.span<const float>(3, G);
  float *h = a.span<float>(4, count(B, T, U)), *c = a.span<float>(5, count(B, T, U)), *g = a.span<float>(6, count(B, T, G));
  if (!a.ok()) return a.fail();
  const std::vector<float> zero(static_cast<size_t>(U), 0.f);  // c before the first step
  SignalBlock guard;
  if (!sgemm('N', 'N', B * T, G, F, 1.f, x, F, w, G, 0.f, g, G)) return a.result(false);
  for (long t = 0; t < T; ++t) {
    float *gt = g + t * G;
    if (t > 0 && !sgemm('N', 'N', B, G, U, 1.f, h + (t - 1) * U, T * U, u, G, 1.f, gt, T * G)) return a.result(false);
#pragma omp parallel for schedule(static) if (B * U > 8192)
    for (long b = 0; b < B; ++b) {
      float *z = gt + b * T * G;
      const float *cp = t > 0 ? c + (b * T + t - 1) * U : zero.data();
      float *cn = c + (b * T + t) * U, *hn = h + (b * T + t) * U;
#pragma omp simd
      for (long j = 0; j < U; ++j) {
        const float i = sigm(z[j] + bias[j]), f = sigm(z[U + j] + bias[U + j]);
        const float gg = tanhf_(z[2 * U + j] + bias[2 * U + j]), o = sigm(z[3 * U + j] + bias[3 * U + j]);
        const float cv = i * gg + f * cp[j];
        z[j] = i, z[U + j] = f, z[2 * U + j] = gg, z[3 * U + j] = o;
        cn[j] = cv;
        hn[j] = o * tanhf_(cv);
      }
    }
  }
  return a.result(true);
}

// lstmBackward(heap, dy, x, kernel, recurrentKernel, h, c, gates, dx, dKernel, dRecurrent, dBias,
//              B, T, F, U, sequences): dy is [B, T, U] when sequences = 1, else [B, U] (the
// gradient of the last step's h only); false when oneDNN's sgemm fails.
napi_value LstmBackward(Args &a) {
  const long B = a.size(11), T = a.size(12), F = a.size(13), U = a.size(14), G = 4 * U;
  const bool seq = a.flag(15);
  const float *dy = a.span<const float>(0, seq ? count(B, T, U) : count(B, U));
  const float *x = a.span<const float>(1, count(B, T, F)), *w = a.span<const float>(2, count(F, G));
  const float *u = a.span<const float>(3, count(U, G)), *h = a.span<const float>(4, count(B, T, U));
  const float *c = a.span<const float>(5, count(B, T, U)), *g = a.span<const float>(6, count(B, T, G));
  float *dx = a.span<float>(7, count(B, T, F)), *dw = a.span<float>(8, count(F, G)), *du = a.span<float>(9, count(U, G));
  float *db = a.span<float>(10, G);
  if (!a.ok()) return a.fail();
  std::vector<float> dz(static_cast<size_t>(B * T * G)), dhn(static_cast<size_t>(B * U), 0.f),
      dcn(static_cast<size_t>(B * U), 0.f), zero(static_cast<size_t>(U), 0.f);
  std::fill(du, du + U * G, 0.f);
  SignalBlock guard;
  for (long t = T - 1; t >= 0; --t) {
#pragma omp parallel for schedule(static) if (B * U > 8192)
    for (long b = 0; b < B; ++b) {
      const float *z = g + (b * T + t) * G, *cv = c + (b * T + t) * U, *cp = t > 0 ? c + (b * T + t - 1) * U : zero.data();
      const float *dyt = seq ? dy + (b * T + t) * U : (t == T - 1 ? dy + b * U : nullptr);
      float *dzt = dz.data() + (b * T + t) * G, *dh = dhn.data() + b * U, *dc = dcn.data() + b * U;
#pragma omp simd
      for (long j = 0; j < U; ++j) {
        const float i = z[j], f = z[U + j], gg = z[2 * U + j], o = z[3 * U + j];
        const float tc = tanhf_(cv[j]);
        const float dhv = dh[j] + (dyt != nullptr ? dyt[j] : 0.f);
        const float dcv = dhv * o * (1.f - tc * tc) + dc[j];
        dzt[j] = dcv * gg * i * (1.f - i);
        dzt[U + j] = dcv * cp[j] * f * (1.f - f);
        dzt[2 * U + j] = dcv * i * (1.f - gg * gg);
        dzt[3 * U + j] = dhv * tc * o * (1.f - o);
        dc[j] = dcv * f;
      }
    }
    if (t > 0) {
      const float *dzt = dz.data() + t * G;
      if (!sgemm('N', 'T', B, U, G, 1.f, dzt, T * G, u, G, 0.f, dhn.data(), U) ||
          !sgemm('T', 'N', U, G, B, 1.f, h + (t - 1) * U, T * U, dzt, T * G, 1.f, du, G))
        return a.result(false);
    }
  }
  if (!sgemm('T', 'N', F, G, B * T, 1.f, x, F, dz.data(), G, 0.f, dw, G) ||
      !sgemm('N', 'T', B * T, F, G, 1.f, dz.data(), G, w, G, 0.f, dx, F))
    return a.result(false);
  std::vector<double> s(static_cast<size_t>(G), 0.0);
  for (long r = 0; r < B * T; ++r)
    for (long j = 0; j < G; ++j) s[j] += dz[r * G + j];
  for (long j = 0; j < G; ++j) db[j] = static_cast<float>(s[j]);
  return a.result(true);
}

}  // namespace

const Kernel kLstmForward{"lstmForward", "x, kernel, recurrentKernel, bias, h, c, gates, B, T, F, U", LstmForward};
const Kernel kLstmBackward{"lstmBackward",
                           "dy, x, kernel, recurrentKernel, h, c, gates, dx, dKernel, dRecurrentKernel, dBias, B, T, F, U, "
                           "sequences",
                           LstmBackward};

}  // namespace aekit
