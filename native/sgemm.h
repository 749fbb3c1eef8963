// Row-major single-precision matrix product on oneDNN's sgemm, for the LSTM and matMul kernels.
#pragma once
#include <dnnl.h>

namespace aekit {

// C = alpha · op(A) · op(B) + beta · C; false when oneDNN reports an error.
inline bool sgemm(char ta, char tb, long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
           float beta, float *c, long ldc) {
  return dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == dnnl_success;
}

}  // namespace aekit
