// Vectorisable float math shared by the element-wise, matrix product and LSTM kernels (compiled
// with them, once per instruction set, see isa.h).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "isa.h"

namespace AEKIT_ISA_NS {

constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSeluScaleAlpha = 1.7580993408473768599402175208123f;

// e^x in float, written so that loops calling it vectorise (glibc's expf is a scalar call per
// element, and libmvec's vector version is not used inside conditionals): range reduction
// x = n·ln2 + r with ln2 split in two (Cody–Waite), a degree-6 polynomial for e^r on
// |r| ≤ ln2/2 (relative error ~2e-7, the Cephes expf coefficients), and 2^n applied as two
// factors 2^h · 2^(n-h) that are both normal floats, so results down to the denormals and up
// to FLT_MAX come out right. Above 88.72 gives +inf, NaN stays NaN.
inline float pow2i(float k) {
  const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
// The core of fastExp and of elementwise.cc's expm1NonPositive: for x already clamped,
// x = n·ln2 + r (Cody–Waite, ln2 in two parts, |r| ≤ ln2/2), and q = e^r − 1 by the Cephes
// polynomial (the + 1 left to the caller, so that e^x − 1 near 0 has no cancellation).
struct ExpReduced {
  float n, q;
};
inline ExpReduced expReduced(float xc) {
  const float n = std::floor(xc * 1.44269504088896341f + 0.5f);
  // fused multiply-adds: -ffast-math would otherwise fold the two steps into one with ln2 rounded
  float r = std::fma(n, -0.693359375f, xc);
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return {n, p * r * r + r};
}
inline float fastExp(float x) {
  const float xc = std::min(std::max(x, -104.f), 88.72283935546875f);
  const auto [n, q] = expReduced(xc);
  const float p = q + 1.0f;
  // p · 2^(n-h) by adding to p's exponent bits (an integer op, so -ffast-math cannot reorder the
  // two scalings into one overflowing 2^n), then · 2^h.
  const float h = std::floor(n * 0.5f);
  int32_t pb;
  std::memcpy(&pb, &p, sizeof pb);
  pb += static_cast<int32_t>(n - h) << 23;
  float ph;
  std::memcpy(&ph, &pb, sizeof ph);
  float y = ph * pow2i(h);
  y = x > 88.72283935546875f ? INFINITY : y;
  return x != x ? x : y;
}


inline float sigm(float v) { return 1.f / (1.f + fastExp(-v)); }
// tanh from e^(2v), saturating cleanly (|v| > 9 gives ±1 within float precision).
inline float tanhf_(float v) {
  const float e = fastExp(2.f * std::min(std::max(v, -9.f), 9.f));
  return (e - 1.f) / (e + 1.f);
}

}  // namespace aekit
