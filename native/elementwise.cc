// Element-wise kernels (selu, exp, sigmoid, relu, add, sub, mul, greater, select, the fused selu
// gradient) and sums over leading or trailing axes.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "threads.h"

namespace aekit {
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


}  // namespace

// unary(heap, op, x, y, n): 0 selu, 1 exp, 2 sigmoid, 3 relu
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  int op = static_cast<int>(a.num[0]);
  const float *x = at<float>(a, 1);
  float *y = at<float>(a, 2);
  long n = I(a, 3);
  switch (op) {
    case 0:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) {
        const float v = x[i];
        const float neg = kSeluScaleAlpha * (fastExp(std::min(v, 0.f)) - 1.f);
        y[i] = v >= 0.f ? kSeluScale * v : neg;
      }
      break;
    case 1:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = fastExp(x[i]);
      break;
    case 2:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = 1.f / (1.f + fastExp(-x[i]));
      break;
    case 3:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
    default:
      return boolean(env, false);
  }
  return boolean(env, true);
}


// binary(heap, op, a, na, b, nb, y, n): y[i] = a[i % na] op b[i % nb], where na and nb are n, 1,
// or (for b only) the innermost size of a row-major broadcast. op: 0 add, 1 sub, 2 mul, 3 greater (y is uint8).
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args)) return nullptr;
  int op = static_cast<int>(args.num[0]);
  const float *a = at<float>(args, 1);
  long na = I(args, 2);
  const float *b = at<float>(args, 3);
  long nb = I(args, 4);
  void *yv = at<void>(args, 5);
  long n = I(args, 6);
  if (na != n) {  // swap so that `a` is the full-size one (add/mul commute; sub/greater flip)
    if (nb != n) return boolean(env, false);
    if (op == 1 || op == 3) {
      if (na != 1) return boolean(env, false);
      float s = a[0];
      if (op == 1) {
        float *y = static_cast<float *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s - b[i];
      } else {
        uint8_t *y = static_cast<uint8_t *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s > b[i];
      }
      return boolean(env, true);
    }
    std::swap(a, b);
    std::swap(na, nb);
  }
  if (nb != n && nb != 1 && n % nb != 0) return boolean(env, false);
  long inner = nb, outer = n / nb;
  if (op == 3) {
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
    return boolean(env, true);
  }
  float *y = static_cast<float *>(yv);
  switch (op) {
    case 0: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u + v; }); break;
    case 1: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u - v; }); break;
    case 2: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u * v; }); break;
    default: return boolean(env, false);
  }
  return boolean(env, true);
}

// select(heap, cond(uint8), t, e, y, n)
napi_value Select(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const uint8_t *cnd = at<uint8_t>(a, 0);
  const float *t = at<float>(a, 1);
  const float *e = at<float>(a, 2);
  float *y = at<float>(a, 3);
  long n = I(a, 4);
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) y[i] = cnd[i] ? t[i] : e[i];
  return boolean(env, true);
}

// seluGrad(heap, dy, x, dx, n): the whole chain tfjs builds for Selu's gradient, in one pass.
napi_value SeluGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *dy = at<float>(a, 0);
  const float *x = at<float>(a, 1);
  float *dx = at<float>(a, 2);
  long n = I(a, 3);
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) {
    const float v = x[i];
    const float neg = dy[i] * kSeluScaleAlpha * fastExp(std::min(v, 0.f));
    dx[i] = v > 0.f ? dy[i] * kSeluScale : neg;
  }
  return boolean(env, true);
}

// sumOuter(heap, x, y, outer, inner): y[j] = Σ_o x[o, j] (reducing leading axes).
napi_value SumOuter(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0);
  float *y = at<float>(a, 1);
  long outer = I(a, 2), inner = I(a, 3);
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
  return boolean(env, true);
}

// sumInner(heap, x, y, outer, inner): y[o] = Σ_j x[o, j] (reducing trailing axes).
napi_value SumInner(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0);
  float *y = at<float>(a, 1);
  long outer = I(a, 2), inner = I(a, 3);
  if (outer == 1) {
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) schedule(static) if (inner > kPar)
    for (long j = 0; j < inner; ++j) s += x[j];
    y[0] = static_cast<float>(s);
    return boolean(env, true);
  }
#pragma omp parallel for schedule(static) if (outer * inner > kPar)
  for (long o = 0; o < outer; ++o) {
    double s = 0;
    for (long j = 0; j < inner; ++j) s += x[o * inner + j];
    y[o] = static_cast<float>(s);
  }
  return boolean(env, true);
}

}  // namespace aekit
