// Element-wise kernels (selu, exp, sigmoid, relu, add, sub, mul, greater, select, the fused selu
// gradients), sums over leading or trailing axes, and the bias + activation pass of the
// convolutions (conv.cc calls it through conv.h's biasActivation: linear, relu, selu, sigmoid,
// elu, relu6, leaky relu).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "ops.h"
#include "threads.h"

namespace AEKIT_ISA_NS {
namespace {

// y[i] = f(a[i], b[i % nb]) with nb = n, 1 or a divisor of n (b broadcast along the innermost axes).
template <typename F>
void binaryLoop(const float *a, const float *b, long nb, long n, float *y, F f) {
  if (nb == 1) {
    const float s = b[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
    for (long i = 0; i < n; ++i) y[i] = f(a[i], s);
  } else if (nb == n) {
#pragma omp parallel for simd schedule(static) if (n > kPar)
    for (long i = 0; i < n; ++i) y[i] = f(a[i], b[i]);
  } else {
    const long outer = n / nb;
#pragma omp parallel for schedule(static) if (n > kPar)
    for (long o = 0; o < outer; ++o)
#pragma omp simd
      for (long i = 0; i < nb; ++i) y[o * nb + i] = f(a[o * nb + i], b[i]);
  }
}

// unary(heap, op, x, y, n): y = op(x), op a code of addon.unaryOps (selu, exp, sigmoid, relu).
napi_value Unary(Args &a) {
  const auto op = static_cast<UnaryOp>(a.code(0, kUnaryOps));
  const long n = a.size(3);
  const float *x = a.span<const float>(1, n);
  float *y = a.span<float>(2, n);
  if (!a.ok()) return a.fail();
  switch (op) {
    case UnaryOp::kSelu:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) {
        const float v = x[i];
        const float neg = kSeluScaleAlpha * (fastExp(std::min(v, 0.f)) - 1.f);
        y[i] = v >= 0.f ? kSeluScale * v : neg;
      }
      break;
    case UnaryOp::kExp:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = fastExp(x[i]);
      break;
    case UnaryOp::kSigmoid:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = 1.f / (1.f + fastExp(-x[i]));
      break;
    case UnaryOp::kRelu:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
  }
  return a.result(true);
}


// binary(heap, op, a, na, b, nb, y, n): y[i] = a[i % na] op b[i % nb], where na and nb are n, 1,
// or (for b only) the innermost size of a row-major broadcast; all three ≥ 1. op: a code of
// addon.binaryOps (add, sub, mul, greater; for greater, y is uint8). Other broadcasts return false.
napi_value Binary(Args &args) {
  const auto op = static_cast<BinaryOp>(args.code(0, kBinaryOps));
  long na = args.positive(2), nb = args.positive(4);
  const long n = args.positive(6);
  const float *a = args.span<const float>(1, na);
  const float *b = args.span<const float>(3, nb);
  void *yv = op == BinaryOp::kGreater ? static_cast<void *>(args.span<uint8_t>(5, n)) : args.span<float>(5, n);
  if (!args.ok()) return args.fail();
  if (na != n) {  // swap so that `a` is the full-size one (add/mul commute; sub/greater flip)
    if (nb != n) return args.result(false);
    if (op == BinaryOp::kSub || op == BinaryOp::kGreater) {
      if (na != 1) return args.result(false);
      float s = a[0];
      if (op == BinaryOp::kSub) {
        float *y = static_cast<float *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s - b[i];
      } else {
        uint8_t *y = static_cast<uint8_t *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s > b[i];
      }
      return args.result(true);
    }
    std::swap(a, b);
    std::swap(na, nb);
  }
  if (nb != n && nb != 1 && n % nb != 0) return args.result(false);
  long inner = nb, outer = n / nb;
  if (op == BinaryOp::kGreater) {
    uint8_t *y = static_cast<uint8_t *>(yv);
    if (nb == 1) {
      float s = b[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = a[i] > s;
    } else {
#pragma omp parallel for schedule(static) if (n > kPar)
      for (long o = 0; o < outer; ++o)
        for (long i = 0; i < inner; ++i) y[o * inner + i] = a[o * inner + i] > b[i];
    }
    return args.result(true);
  }
  float *y = static_cast<float *>(yv);
  switch (op) {
    case BinaryOp::kAdd: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u + v; }); break;
    case BinaryOp::kSub: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u - v; }); break;
    case BinaryOp::kMul: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u * v; }); break;
    case BinaryOp::kGreater: break;  // handled above
  }
  return args.result(true);
}

// select(heap, cond, t, e, y, n): y[i] = cond[i] ? t[i] : e[i], cond uint8.
napi_value Select(Args &a) {
  const long n = a.size(4);
  const uint8_t *cnd = a.span<const uint8_t>(0, n);
  const float *t = a.span<const float>(1, n);
  const float *e = a.span<const float>(2, n);
  float *y = a.span<float>(3, n);
  if (!a.ok()) return a.fail();
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) y[i] = cnd[i] ? t[i] : e[i];
  return a.result(true);
}

// seluGrad(heap, dy, x, dx, n): the whole chain tfjs builds for Selu's gradient, in one pass.
napi_value SeluGrad(Args &a) {
  const long n = a.size(3);
  const float *dy = a.span<const float>(0, n);
  const float *x = a.span<const float>(1, n);
  float *dx = a.span<float>(2, n);
  if (!a.ok()) return a.fail();
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) {
    const float v = x[i];
    const float neg = dy[i] * kSeluScaleAlpha * fastExp(std::min(v, 0.f));
    dx[i] = v > 0.f ? dy[i] * kSeluScale : neg;
  }
  return a.result(true);
}

// The derivative of activation kAct at z, from its output y = act(z) alone: every activation
// here is monotonic, so y tells the side of z (relu6 is not: y = 6 is z = 6 or any z > 6).
template <Activation kAct>
inline float derivativeFromOutput(float y, float alpha) {
  if constexpr (kAct == Activation::kSelu) {
    return y > 0.f ? kSeluScale : y + kSeluScaleAlpha;  // scale·alpha·e^z = y + scale·alpha
  } else if constexpr (kAct == Activation::kRelu) {
    return y > 0.f ? 1.f : 0.f;
  } else if constexpr (kAct == Activation::kSigmoid) {
    return y * (1.f - y);
  } else if constexpr (kAct == Activation::kElu) {
    return y > 0.f ? 1.f : y + 1.f;  // e^z = y + 1
  } else if constexpr (kAct == Activation::kLeakyRelu) {
    return y > 0.f ? 1.f : alpha;  // alpha > 0, so that y > 0 exactly when z > 0
  } else {
    return 1.f;
  }
}

// dz = dy · act'(z) from y = act(z), and db[c] = Σ_r dz[r, c] unless db is null, in one pass over
// rows × channels (channels innermost). Sums in double, per thread, added in thread order
// (deterministic for a given thread count).
template <Activation kAct>
void activationBiasGradOf(const float *dy, const float *y, float *dz, float *db, long rows, long channels, float alpha) {
  const int nt = rows * channels > kPar ? omp_get_max_threads() : 1;
  std::vector<double> part(db == nullptr ? 0 : static_cast<size_t>(nt) * channels, 0.0);
#pragma omp parallel num_threads(nt)
  {
    double *p = db == nullptr ? nullptr : part.data() + static_cast<size_t>(omp_get_thread_num()) * channels;
#pragma omp for schedule(static)
    for (long r = 0; r < rows; ++r) {
      const float *dyr = dy + r * channels, *yr = y + r * channels;
      float *dzr = dz + r * channels;
#pragma omp simd
      for (long c = 0; c < channels; ++c) dzr[c] = dyr[c] * derivativeFromOutput<kAct>(yr[c], alpha);
      if (p != nullptr)
#pragma omp simd
        for (long c = 0; c < channels; ++c) p[c] += dzr[c];
    }
  }
  if (db == nullptr) return;
  for (long c = 0; c < channels; ++c) {
    double s = 0;
    for (int t = 0; t < nt; ++t) s += part[static_cast<size_t>(t) * channels + c];
    db[c] = static_cast<float>(s);
  }
}

// activationBiasGrad(heap, dy, y, dz, db, rows, channels, act, alpha): the backward pass of
// y = act(z), z = x·w + bias (a dense layer, or a convolution in NHWC; channels its units or
// channels): dz = dy · act'(z) computed from y (for selu: scale for y > 0, y + scale·alpha
// = scale·alpha·e^z otherwise), and db = Σ_r dz unless db is -1. act: linear, relu, sigmoid, elu, selu, or leakyrelu with a
// slope alpha > 0; relu6 is refused (its output does not tell its derivative).
napi_value ActivationBiasGrad(Args &a) {
  const long rows = a.size(4), channels = a.positive(5);
  const float *dy = a.span<const float>(0, count(rows, channels));
  const float *y = a.span<const float>(1, count(rows, channels));
  float *dz = a.span<float>(2, count(rows, channels));
  float *db = a.optionalSpan<float>(3, channels);
  const auto act = static_cast<Activation>(a.code(6, kActivations));
  const float alpha = static_cast<float>(a.real(7));
  if (a.ok() && act == Activation::kRelu6) a.reject("act is relu6, whose derivative its output does not give");
  if (a.ok() && act == Activation::kLeakyRelu && !(alpha > 0.f)) a.reject("alpha is %g, expected > 0 for leakyrelu", alpha);
  if (!a.ok()) return a.fail();
  switch (act) {
    case Activation::kSelu: activationBiasGradOf<Activation::kSelu>(dy, y, dz, db, rows, channels, alpha); break;
    case Activation::kRelu: activationBiasGradOf<Activation::kRelu>(dy, y, dz, db, rows, channels, alpha); break;
    case Activation::kSigmoid: activationBiasGradOf<Activation::kSigmoid>(dy, y, dz, db, rows, channels, alpha); break;
    case Activation::kElu: activationBiasGradOf<Activation::kElu>(dy, y, dz, db, rows, channels, alpha); break;
    case Activation::kLeakyRelu: activationBiasGradOf<Activation::kLeakyRelu>(dy, y, dz, db, rows, channels, alpha); break;
    default: activationBiasGradOf<Activation::kLinear>(dy, y, dz, db, rows, channels, alpha); break;
  }
  return a.result(true);
}

// sumOuter(heap, x, y, outer, inner): y[j] = Σ_o x[o, j] (reducing leading axes).
napi_value SumOuter(Args &a) {
  const long outer = a.size(2), inner = a.size(3);
  const float *x = a.span<const float>(0, count(outer, inner));
  float *y = a.span<float>(1, inner);
  if (!a.ok()) return a.fail();
  int nt = outer * inner > kPar ? omp_get_max_threads() : 1;
  std::vector<double> part(static_cast<size_t>(nt) * inner, 0.0);
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num();
    double *p = part.data() + static_cast<size_t>(t) * inner;
#pragma omp for schedule(static)
    for (long o = 0; o < outer; ++o)
      for (long j = 0; j < inner; ++j) p[j] += x[o * inner + j];
  }
  for (long j = 0; j < inner; ++j) {
    double s = 0;
    for (int t = 0; t < nt; ++t) s += part[static_cast<size_t>(t) * inner + j];
    y[j] = static_cast<float>(s);
  }
  return a.result(true);
}

// sumInner(heap, x, y, outer, inner): y[o] = Σ_j x[o, j] (reducing trailing axes).
napi_value SumInner(Args &a) {
  const long outer = a.size(2), inner = a.size(3);
  const float *x = a.span<const float>(0, count(outer, inner));
  float *y = a.span<float>(1, outer);
  if (!a.ok()) return a.fail();
  if (outer == 1) {
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) schedule(static) if (inner > kPar)
    for (long j = 0; j < inner; ++j) s += x[j];
    y[0] = static_cast<float>(s);
    return a.result(true);
  }
#pragma omp parallel for schedule(static) if (outer * inner > kPar)
  for (long o = 0; o < outer; ++o) {
    double s = 0;
    for (long j = 0; j < inner; ++j) s += x[o * inner + j];
    y[o] = static_cast<float>(s);
  }
  return a.result(true);
}

}  // namespace

// The convolutions' bias + activation pass (conv.h's biasActivation): conv.cc's convolution
// writes y, then this pass applies bias and activation in place, in the same call.
//
// Why not oneDNN's post-ops: on AVX2 (no AVX-512), oneDNN 2.6's NHWC convolution (x64:gemm:jit,
// the implementation it picks for tfjs's layouts) applies eltwise post-ops element by element
// in reference code. Measured on the seed model's three encoder convolutions at batch 128
// (2-core EPYC, interleaved medians): an elu post-op (SELU) made the convolution 1.5–12× slower,
// a relu post-op 1.3–4×, while this vectorised pass over the output costs a fraction of that.
namespace {

// e^x − 1 for x ≤ 0 (NaN stays NaN), what SELU needs, from fastExp's range reduction
// x = n·ln2 + r and polynomial (fast_math.h's expReduced, q = e^r − 1), so for |x| < ln2/2
// (n = 0) the result is q itself, without the cancellation of e^x − 1 near 0; else
// (q + 1)·2^n − 1. x is clamped at −87.3, where e^x − 1 is −1 in float already, so 2^n is a
// normal float and scales by an addition to the exponent bits. Measured about 35% faster than
// fastExp in the SELU pass.
inline float expm1NonPositive(float x) {
  const auto [n, q] = expReduced(std::max(x, -87.3f));
  const float er = q + 1.0f;
  int32_t bits;
  std::memcpy(&bits, &er, sizeof bits);
  bits += static_cast<int32_t>(n) << 23;
  float ex;
  std::memcpy(&ex, &bits, sizeof ex);
  const float y = n == 0.f ? q : ex - 1.f;
  return x != x ? x : y;
}

template <Activation kAct>
inline float activation(float v, float alpha) {
  if constexpr (kAct == Activation::kSelu) {
    const float neg = kSeluScaleAlpha * expm1NonPositive(std::min(v, 0.f));
    return v > 0.f ? kSeluScale * v : neg;
  } else if constexpr (kAct == Activation::kRelu) {
    return std::max(v, 0.f);
  } else if constexpr (kAct == Activation::kSigmoid) {
    return sigm(v);
  } else if constexpr (kAct == Activation::kElu) {
    const float neg = expm1NonPositive(std::min(v, 0.f));
    return v > 0.f ? v : neg;
  } else if constexpr (kAct == Activation::kRelu6) {
    return std::min(std::max(v, 0.f), 6.f);
  } else if constexpr (kAct == Activation::kLeakyRelu) {
    return v > 0.f ? v : alpha * v;
  } else {
    return v;
  }
}
// One loop per case: a branch or a possibly null bias inside the loop keeps it from vectorising.
template <Activation kAct, bool kBias>
void activate(float *y, const float *bias, long rows, long channels, float alpha) {
  const long n = rows * channels;
  if constexpr (kBias) {
#pragma omp parallel for schedule(static) if (n > kPar)
    for (long r = 0; r < rows; ++r) {
      float *row = y + r * channels;
#pragma omp simd
      for (long c = 0; c < channels; ++c) row[c] = activation<kAct>(row[c] + bias[c], alpha);
    }
  } else {
#pragma omp parallel for simd schedule(static) if (n > kPar)
    for (long i = 0; i < n; ++i) y[i] = activation<kAct>(y[i], alpha);
  }
}

template <Activation kAct>
void activateMaybeBias(float *y, const float *bias, long rows, long channels, float alpha) {
  if (bias != nullptr)
    activate<kAct, true>(y, bias, rows, channels, alpha);
  else
    activate<kAct, false>(y, nullptr, rows, channels, alpha);
}

}  // namespace

void biasActivation(float *y, const float *bias, long rows, long channels, int act, float alpha) {
  switch (static_cast<Activation>(act)) {
    case Activation::kSelu: activateMaybeBias<Activation::kSelu>(y, bias, rows, channels, alpha); break;
    case Activation::kRelu: activateMaybeBias<Activation::kRelu>(y, bias, rows, channels, alpha); break;
    case Activation::kSigmoid: activateMaybeBias<Activation::kSigmoid>(y, bias, rows, channels, alpha); break;
    case Activation::kElu: activateMaybeBias<Activation::kElu>(y, bias, rows, channels, alpha); break;
    case Activation::kRelu6: activateMaybeBias<Activation::kRelu6>(y, bias, rows, channels, alpha); break;
    case Activation::kLeakyRelu: activateMaybeBias<Activation::kLeakyRelu>(y, bias, rows, channels, alpha); break;
    case Activation::kLinear:  // only a bias to add
      if (bias != nullptr) activate<Activation::kLinear, true>(y, bias, rows, channels, alpha);
      break;
  }
}

const Kernel kUnary{"unary", "op, x, y, n", Unary};
const Kernel kBinary{"binary", "op, a, na, b, nb, y, n", Binary};
const Kernel kSelect{"select", "cond, t, e, y, n", Select};
const Kernel kSeluGrad{"seluGrad", "dy, x, dx, n", SeluGrad};
const Kernel kActivationBiasGrad{"activationBiasGrad", "dy, y, dz, db, rows, channels, act, alpha", ActivationBiasGrad};
const Kernel kSumOuter{"sumOuter", "x, y, outer, inner", SumOuter};
const Kernel kSumInner{"sumInner", "x, y, outer, inner", SumInner};

}  // namespace aekit
