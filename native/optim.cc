// Optimizer updates: Adam's whole step for one variable in one pass (tfjs's Adam runs 11 kernels
// per variable, and for small models their dispatch, not their arithmetic, is the step's cost), and
// SGD's (2 kernels per variable in tfjs).
#include <cmath>

#include "args.h"
#include "kernels.h"
#include "threads.h"

namespace AEKIT_ISA_NS {
namespace {


// adam(heap, x, m, v, g, accBeta1, accBeta2, x1, m1, v1, n, beta1, beta2, epsilon, lr): tfjs's
// AdamOptimizer update of one variable, in its order of float32 operations:
//   m1 = m·β1 + g·(1−β1),  v1 = v·β2 + g²·(1−β2),
//   x1 = (m1/(1−accβ1)) / (√(v1/(1−accβ2)) + ε) · (−lr) + x,
// where accβ1, accβ2 (1-element buffers) are β1ᵗ and β2ᵗ of this step and the factors (1−β) are
// rounded to float32 from double as tfjs does. x1, m1, v1 are new buffers (the inputs may share
// memory with other tensors).
napi_value Adam(Args &a) {
  const long n = a.size(9);
  const float *x = a.span<const float>(0, n);
  const float *m = a.span<const float>(1, n);
  const float *v = a.span<const float>(2, n);
  const float *g = a.span<const float>(3, n);
  const float *acc1 = a.span<const float>(4, 1);
  const float *acc2 = a.span<const float>(5, 1);
  float *x1 = a.span<float>(6, n);
  float *m1 = a.span<float>(7, n);
  float *v1 = a.span<float>(8, n);
  const double beta1 = a.real(10), beta2 = a.real(11), epsilon = a.real(12), lr = a.real(13);
  if (!a.ok()) return a.fail();
  const float b1 = static_cast<float>(beta1), c1 = static_cast<float>(1 - beta1);
  const float b2 = static_cast<float>(beta2), c2 = static_cast<float>(1 - beta2);
  const float eps = static_cast<float>(epsilon), step = static_cast<float>(-lr);
  const float d1 = 1.f - acc1[0], d2 = 1.f - acc2[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * c1;
    const float vi = v[i] * b2 + (gi * gi) * c2;
    m1[i] = mi;
    v1[i] = vi;
    x1[i] = (mi / d1) / (std::sqrt(vi / d2) + eps) * step + x[i];
  }
  return a.result(true);
}

// sgd(heap, x, g, c, x1, n): tfjs's SGDOptimizer update, x1 = c·g + x, where c (a 1-element
// buffer) is −lr; rounded as tfjs rounds it, the product and then the sum (compiled without
// contracting them into a fused multiply-add, which -ffast-math allows): bit for bit tfjs's.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
napi_value Sgd(Args &a) {
  const long n = a.size(4);
  const float *x = a.span<const float>(0, n);
  const float *g = a.span<const float>(1, n);
  const float *c = a.span<const float>(2, 1);
  float *x1 = a.span<float>(3, n);
  if (!a.ok()) return a.fail();
  const float step = c[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) x1[i] = step * g[i] + x[i];
  return a.result(true);
}
#pragma GCC pop_options

}  // namespace

const Kernel kSgd{"sgd", "x, g, c, x1, n", Sgd};
const Kernel kAdam{"adam", "x, m, v, g, accBeta1, accBeta2, x1, m1, v1, n, beta1, beta2, epsilon, lr", Adam};

}  // namespace AEKIT_ISA_NS
