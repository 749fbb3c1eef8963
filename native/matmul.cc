// Matrix products (tfjs's BatchMatMul and _FusedMatMul) on oneDNN's sgemm: tfjs's wasm kernel
// computes transposed products (every weight gradient of a dense layer) at ~1.5 GFLOP/s on one
// thread. Compiled once: the product is oneDNN's (which picks its own code per CPU), the bias and
// activation pass the chosen instruction set's (conv.h's biasActivation).
#include <omp.h>

#include <algorithm>

#include "args.h"
#include "conv.h"
#include "kernels.h"
#include "ops.h"
#include "sgemm.h"
#include "threads.h"

namespace aekit {
namespace {

// matMul(heap, a, b, y, batch, batchA, batchB, m, n, k, transA, transB, bias, act, alpha): y[i] =
// op(a[i]) · op(b[i]) for i < batch (batchA and batchB are batch, or 1 for an operand shared by
// all), + bias[n] unless bias is -1, then act, a code of addon.activations (linear, relu,
// sigmoid, elu, relu6, leaky relu with slope alpha, selu). False when oneDNN's sgemm refuses the sizes.
napi_value MatMul(Args &a) {
  const long batch = a.size(3), batchA = a.size(4), batchB = a.size(5), m = a.size(6), n = a.size(7), k = a.size(8);
  const bool ta = a.flag(9), tb = a.flag(10);
  const float *A = a.span<const float>(0, count(batchA, m, k)), *Bm = a.span<const float>(1, count(batchB, k, n));
  float *Y = a.span<float>(2, count(batch, m, n));
  const float *bias = a.optionalSpan<const float>(11, n);
  const int act = a.code(12, kActivations);
  const float alpha = static_cast<float>(a.real(13));
  if (a.ok() && (batchA != batch && batchA != 1)) a.reject("batchA is %ld, expected 1 or batch (%ld)", batchA, batch);
  if (a.ok() && (batchB != batch && batchB != 1)) a.reject("batchB is %ld, expected 1 or batch (%ld)", batchB, batch);
  if (!a.ok()) return a.fail();
  {
    SignalBlock guard;
    for (long i = 0; i < batch; ++i) {
      const float *Ai = A + (batchA == 1 ? 0 : i) * m * k, *Bi = Bm + (batchB == 1 ? 0 : i) * k * n;
      if (!sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, Ai, ta ? m : k, Bi, tb ? k : n, 0.f, Y + i * m * n, n))
        return a.result(false);
    }
  }
  // the same vectorised bias + activation pass as the convolutions' (elementwise.cc)
  if (bias != nullptr || act != static_cast<int>(Activation::kLinear)) biasActivation(Y, bias, batch * m, n, act, alpha);
  return a.result(true);
}

}  // namespace

const Kernel kMatMul{"matMul", "a, b, y, batch, batchA, batchB, m, n, k, transA, transB, bias, act, alpha", MatMul};

}  // namespace aekit
