// Binary cross-entropy on probabilities, as Keras and tfjs-layers define it ('binaryCrossentropy'):
// the prediction clipped to [ε, 1 − ε] with ε = 1e-7 (both bounds as float32, the values tfjs's
// ClipByValue compares with), then −(z·ln p′ + (1 − z)·ln(1 − p′)) per value. tfjs computes it
// through logits (ln(p′/(1 − p′)), then sigmoid cross-entropy with logits) in ~15 kernels forward
// and backward; these two kernels compute the same function and its gradient in one pass each.
// Mean squared error ('meanSquaredError': the mean of (p − z)² over the last axis, then over the
// rest, ~10 kernels each way in tfjs) likewise.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "threads.h"

namespace AEKIT_ISA_NS {
namespace {

// float32(1e-7) and float32(1 − 1e-7): what tfjs's clipByValue(p, epsilon(), 1 - epsilon())
// compares with and clips to.
constexpr float kLo = 1e-7f;
constexpr float kHi = static_cast<float>(1.0 - 1e-7);

// Σ over i in [from, to) of −(z·ln p′ + (1 − z)·ln(1 − p′)), p′ = clip(p, kLo, kHi), in double.
double bceRange(const float *z, const float *p, long from, long to) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (long i = from; i < to; ++i) {
    // std::max / std::min keep a NaN in their first argument (one vmaxps / vminps each); a
    // nested ?: here made GCC compile fastLog once per branch and blend the results
    const float c = std::min(std::max(p[i], kLo), kHi);
    const float zi = z[i];
    s += static_cast<double>(zi * fastLog(c) + (1.f - zi) * fastLog(1.f - c));
  }
  return -s;
}

// Σ over i in [from, to) of (p − z)², in double.
double mseRange(const float *z, const float *p, long from, long to) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (long i = from; i < to; ++i) {
    const float d = p[i] - z[i];
    s += static_cast<double>(d * d);
  }
  return s;
}

// The mean over i < n of a per-value loss, kRange summing one range of it: each thread sums its
// share of [0, n), the shares are added in thread order (deterministic for a thread count) and
// the mean is rounded to float once; one thread below kPar values. (The loop stays in kRange, a
// function of its own: through a lambda GCC did not vectorise it, 3.4× slower.)
template <double (*kRange)(const float *, const float *, long, long)>
float parallelMean(const float *z, const float *p, long n) {
  const int nt = n > kPar ? omp_get_max_threads() : 1;
  std::vector<double> part(static_cast<size_t>(nt), 0.0);
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num(), threads = omp_get_num_threads();
    part[static_cast<size_t>(t)] = kRange(z, p, n * t / threads, n * (t + 1) / threads);
  }
  double s = 0;
  for (const double v : part) s += v;
  return static_cast<float>(s / static_cast<double>(n));
}

// dp = g·(p − z)/(p·(1 − p)) where kLo ≤ p ≤ kHi, else 0 (the clip passes the gradient on its
// closed interval only, as tfjs's ClipByValue gradient does; NaN is outside).
void bceGradValues(float g, const float *z, const float *p, float *dp, long n) {
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) {
    const float v = p[i];
    const float d = g * (v - z[i]) / (v * (1.f - v));
    dp[i] = v >= kLo && v <= kHi ? d : 0.f;
  }
}

// dp = 2g·(p − z).
void mseGradValues(float g, const float *z, const float *p, float *dp, long n) {
  const float g2 = 2.f * g;
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) dp[i] = g2 * (p[i] - z[i]);
}

// bceForward / mseForward(heap, z, p, n, out): out[0] = the mean over i < n of the loss kRange
// sums (parallelMean), n ≥ 1. A NaN in p or z makes the mean NaN (the clip keeps NaN, and so does
// fastLog).
template <double (*kRange)(const float *, const float *, long, long)>
napi_value LossForward(Args &a) {
  const long n = a.positive(2);
  const float *z = a.span<const float>(0, n);
  const float *p = a.span<const float>(1, n);
  float *out = a.span<float>(3, 1);
  if (!a.ok()) return a.fail();
  out[0] = parallelMean<kRange>(z, p, n);
  return a.result(true);
}

// bceGrad / mseGrad(heap, g, z, p, dp, n): the gradient with respect to p, kValues's formula; g
// the upstream gradient of the loss divided by the count (the mean's gradient), finite.
template <void (*kValues)(float, const float *, const float *, float *, long)>
napi_value LossGrad(Args &a) {
  const double g = a.real(0);
  const long n = a.size(4);
  const float *z = a.span<const float>(1, n);
  const float *p = a.span<const float>(2, n);
  float *dp = a.span<float>(3, n);
  if (!a.ok()) return a.fail();
  kValues(static_cast<float>(g), z, p, dp, n);
  return a.result(true);
}

}  // namespace

const Kernel kBceForward{"bceForward", "z, p, n, out", LossForward<bceRange>};
const Kernel kBceGrad{"bceGrad", "g, z, p, dp, n", LossGrad<bceGradValues>};
const Kernel kMseForward{"mseForward", "z, p, n, out", LossForward<mseRange>};
const Kernel kMseGrad{"mseGrad", "g, z, p, dp, n", LossGrad<mseGradValues>};

}  // namespace aekit
