// Vectorisable float math shared by the element-wise, matrix product, LSTM and loss kernels (compiled
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


// ln x in float for normal positive x (x ≥ FLT_MIN; +inf gives +inf, NaN stays NaN), written so
// that loops calling it vectorise (glibc's logf is a scalar call per element): x = m·2^e with m
// in [√½, √2) read from the bits (below), ln m = f − f²/2 + f³·P(f) for f = m − 1 (the Cephes logf
// polynomial, relative error ~1e-7 on that range), and e·ln2 added in two parts (Cody–Waite, as
// in expReduced) with fused multiply-adds so that -ffast-math cannot fold them into one rounded
// constant. Zero, negative and denormal inputs give wrong values: the BCE kernels call it on
// [1e-7, 1] only.
inline float fastLog(float x) {
  // the bits of x counted from those of √½: the exponent k with m = x·2^-k in [√½, √2) is their
  // top bits, m's bits the low 23 added back to √½'s (integer ops only: a select on m > √2 made
  // GCC compile the polynomial twice and blend)
  constexpr int32_t kSqrtHalf = 0x3f3504f3;
  int32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int32_t ix = bits - kSqrtHalf;
  const float e = static_cast<float>(ix >> 23);
  const int32_t mb = (ix & 0x007fffff) + kSqrtHalf;
  float m;
  std::memcpy(&m, &mb, sizeof m);
  const float f = m - 1.f;
  const float z = f * f;
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  float y = std::fma(e, -2.12194440e-4f, p * f * z);
  y = std::fma(-0.5f, z, y);
  float r = f + y;
  r = std::fma(e, 0.693359375f, r);
  r = x == INFINITY ? x : r;
  return x != x ? x : r;
}

inline float sigm(float v) { return 1.f / (1.f + fastExp(-v)); }
// tanh from e^(2v), saturating cleanly (|v| > 9 gives ±1 within float precision).
inline float tanhf_(float v) {
  const float e = fastExp(2.f * std::min(std::max(v, -9.f), 9.f));
  return (e - 1.f) / (e + 1.f);
}

}  // namespace aekit
