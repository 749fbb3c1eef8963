// Matrix products (tfjs's BatchMatMul and _FusedMatMul) on oneDNN's sgemm: tfjs's wasm kernel
// computes transposed products (every weight gradient of a dense layer) at ~1.5 GFLOP/s on one
// thread.
#include <omp.h>

#include <algorithm>

#include "args.h"
#include "fast_math.h"
#include "kernels.h"
#include "sgemm.h"
#include "threads.h"

namespace aekit {

// matMul(heap, a, b, y, batch, batchA, batchB, m, n, k, transA, transB, bias, act, alpha): y[i] =
// op(a[i]) · op(b[i]) for i < batch (an operand with batch 1 is shared by all), + bias[n] when
// bias ≥ 0, then act: 0 linear, 1 relu, 2 sigmoid, 3 elu, 4 relu6, 5 leaky relu (slope alpha).
napi_value MatMul(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *A = at<float>(a, 0), *Bm = at<float>(a, 1);
  float *Y = at<float>(a, 2);
  const long batch = I(a, 3), batchA = I(a, 4), batchB = I(a, 5), m = I(a, 6), n = I(a, 7), k = I(a, 8);
  const bool ta = I(a, 9) != 0, tb = I(a, 10) != 0;
  const float *bias = a.num[11] >= 0 ? at<float>(a, 11) : nullptr;
  const int act = static_cast<int>(a.num[12]);
  const float alpha = static_cast<float>(a.num[13]);
  {
    SignalBlock guard;
    for (long i = 0; i < batch; ++i) {
      const float *Ai = A + (batchA == 1 ? 0 : i) * m * k, *Bi = Bm + (batchB == 1 ? 0 : i) * k * n;
      if (!sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, Ai, ta ? m : k, Bi, tb ? k : n, 0.f, Y + i * m * n, n))
        return boolean(env, false);
    }
  }
  if (bias == nullptr && act == 0) return boolean(env, true);
  const long rows = batch * m;
#pragma omp parallel for schedule(static) if (rows * n > kPar)
  for (long r = 0; r < rows; ++r) {
    float *y = Y + r * n;
    if (bias != nullptr) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] += bias[j];
    }
    if (act == 1) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : 0.f;
    } else if (act == 2) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = 1.f / (1.f + fastExp(-y[j]));
    } else if (act == 3) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : fastExp(std::min(y[j], 0.f)) - 1.f;
    } else if (act == 4) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = std::min(std::max(y[j], 0.f), 6.f);
    } else if (act == 5) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : alpha * y[j];
    }
  }
  return boolean(env, true);
}

}  // namespace aekit
