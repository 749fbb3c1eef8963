// The choice of instruction set (see isa.h): what the CPU and its OS support, read with CPUID and
// XGETBV, and the environment variable AEKIT_NATIVE_ISA. Compiled once, for plain x86-64.
#include "isa.h"

#include <cpuid.h>

#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

namespace aekit {
namespace {

// A CPUID feature bit: its name (as Linux's /proc/cpuinfo writes it, which is what the messages
// say), the leaf (sub-leaf 0), the register (0 eax, 1 ebx, 2 ecx, 3 edx) and the bit.
struct Feature {
  const char *name;
  unsigned leaf;
  int reg;
  int bit;
};

// What -march=x86-64-v3 lets the compiler use: x86-64-v2 (SSE3 … SSE4.2, POPCNT, CMPXCHG16B,
// LAHF/SAHF in 64-bit mode), then AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE and XSAVE.
constexpr Feature kV3[] = {
    {"pni", 1, 2, 0},     {"ssse3", 1, 2, 9},  {"sse4_1", 1, 2, 19}, {"sse4_2", 1, 2, 20},
    {"popcnt", 1, 2, 23}, {"cx16", 1, 2, 13},  {"lahf_lm", 0x80000001, 2, 0},
    {"avx", 1, 2, 28},    {"avx2", 7, 1, 5},   {"bmi1", 7, 1, 3},    {"bmi2", 7, 1, 8},
    {"f16c", 1, 2, 29},   {"fma", 1, 2, 12},   {"abm", 0x80000001, 2, 5},  // abm: LZCNT
    {"movbe", 1, 2, 22},  {"xsave", 1, 2, 26}};
// What -march=x86-64-v4 adds: AVX-512 F, DQ, CD, BW and VL.
constexpr Feature kV4[] = {
    {"avx512f", 7, 1, 16}, {"avx512dq", 7, 1, 17}, {"avx512cd", 7, 1, 28}, {"avx512bw", 7, 1, 30}, {"avx512vl", 7, 1, 31}};

// XCR0: the register state the OS saves and restores, so that a program may use it (CPUID says
// what the CPU has; an OS that does not save the YMM or ZMM registers leaves them unusable).
constexpr uint64_t kXcr0Avx = 0x6;    // SSE and AVX (YMM) state
constexpr uint64_t kXcr0Avx512 = 0xe6;  // and the opmask, ZMM0-15 upper halves and ZMM16-31 state

bool cpuidBit(const Feature &f) {
  unsigned r[4] = {0, 0, 0, 0};
  // __get_cpuid_count returns 0 when the leaf is above the CPU's highest (basic or extended) leaf.
  if (__get_cpuid_count(f.leaf, 0, &r[0], &r[1], &r[2], &r[3]) == 0) return false;
  return ((r[f.reg] >> f.bit) & 1) != 0;
}

uint64_t xcr0() {
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0 || ((c >> 27) & 1) == 0) return 0;  // no OSXSAVE: no XGETBV
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// One instruction set: its name (AEKIT_NATIVE_ISA's value), its name for people, its kernels
// (nullptr when this build does not have them), and what it needs.
struct Isa {
  const char *name;
  const char *label;
  const IsaKernels *kernels;
  const Feature *features;
  size_t featureCount;
  uint64_t xcr0;
  const char *xcr0Name;
};

// From the lowest to the best; each needs the features of the ones before it as well.
const Isa kIsas[] = {
    {"avx2", "AVX2", &avx2::kTable, kV3, std::size(kV3), kXcr0Avx, "OS support of the AVX registers (XCR0)"},
#ifdef AEKIT_WITH_AVX512
    {"avx512", "AVX-512", &avx512::kTable, kV4, std::size(kV4), kXcr0Avx512, "OS support of the AVX-512 registers (XCR0)"},
#else
    {"avx512", "AVX-512", nullptr, kV4, std::size(kV4), kXcr0Avx512, "OS support of the AVX-512 registers (XCR0)"},
#endif
};
constexpr size_t kIsaCount = std::size(kIsas);

// What the CPU or its OS lacks to run kIsas[i] (empty: it runs it).
std::vector<std::string> missing(size_t i) {
  std::vector<std::string> out;
  const uint64_t x = xcr0();
  for (size_t k = 0; k <= i; ++k) {
    const size_t before = out.size();
    for (size_t f = 0; f < kIsas[k].featureCount; ++f)
      if (!cpuidBit(kIsas[k].features[f])) out.emplace_back(kIsas[k].features[f].name);
    // (only worth saying when the CPU has the features: an OS enables no state the CPU lacks)
    if (out.size() == before && (x & kIsas[k].xcr0) != kIsas[k].xcr0) out.emplace_back(kIsas[k].xcr0Name);
  }
  return out;
}

std::string join(const std::vector<std::string> &v, const char *sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i > 0 ? sep : "") + v[i];
  return s;
}

std::string names(bool compiledOnly) {
  std::vector<std::string> v;
  for (const Isa &isa : kIsas)
    if (!compiledOnly || isa.kernels != nullptr) v.emplace_back(isa.name);
  return join(v, ", ");
}

const Isa *chosen = nullptr;
bool forced = false;

}  // namespace

bool chooseIsa(const char *&code, std::string &message) {
  const char *env = std::getenv("AEKIT_NATIVE_ISA");
  const std::string want = env == nullptr ? "" : env;
  if (want.empty()) {
    for (size_t i = kIsaCount; i-- > 0;)
      if (kIsas[i].kernels != nullptr && missing(i).empty()) {
        chosen = &kIsas[i];
        return true;
      }
    code = kCpuError;
    message = "this CPU lacks " + join(missing(0), ", ") + " (x86-64-v3), which aekit's native kernels need";
    return false;
  }
  code = kIsaError;
  for (size_t i = 0; i < kIsaCount; ++i) {
    if (want != kIsas[i].name) continue;
    if (kIsas[i].kernels == nullptr) {
      message = "AEKIT_NATIVE_ISA=" + want + ", but this build has no " + kIsas[i].label +
                " kernels (the compiler could not build them, see native/build/build.log); it has " + names(true);
      return false;
    }
    const std::vector<std::string> lacks = missing(i);
    if (!lacks.empty()) {
      message = "AEKIT_NATIVE_ISA=" + want + ", but this CPU lacks " + join(lacks, ", ") + " for the " + kIsas[i].label +
                " kernels; unset it to use the best this CPU runs";
      return false;
    }
    chosen = &kIsas[i];
    forced = true;
    return true;
  }
  message = "AEKIT_NATIVE_ISA='" + want + "': expected one of " + names(false) +
            " (the kernels' instruction set), or leave it unset for the best this CPU runs";
  return false;
}

const IsaKernels &activeIsa() { return *chosen->kernels; }

std::string isaInfoJson() {
  std::string s = std::string("\"isa\":\"") + (chosen ? chosen->name : "") + "\",\"isaLabel\":\"" +
                  (chosen ? chosen->label : "") + "\",\"isaForced\":" + (forced ? "true" : "false") + ",\"isas\":[";
  for (size_t i = 0; i < kIsaCount; ++i) {
    std::vector<std::string> lacks = missing(i);
    for (std::string &m : lacks) m = "\"" + m + "\"";
    s += std::string(i > 0 ? "," : "") + "{\"name\":\"" + kIsas[i].name + "\",\"label\":\"" + kIsas[i].label +
         "\",\"compiled\":" + (kIsas[i].kernels != nullptr ? "true" : "false") + ",\"missing\":[" + join(lacks, ",") + "]}";
  }
  return s + "]";
}

// conv.h's direct convolution kernels, for conv.cc: the chosen set's (conv_direct.cc).
void backwardDataC1(const Geo &g, const float *dy, const float *w, float *dx) { activeIsa().backwardDataC1(g, dy, w, dx); }
void backwardFilterFew(const Geo &g, const float *x, const float *dy, float *dw) {
  activeIsa().backwardFilterFew(g, x, dy, dw);
}
void forwardFewCo(const Geo &g, const float *x, const float *w, const float *bias, float *y) {
  activeIsa().forwardFewCo(g, x, w, bias, y);
}
void backwardDataFewCo(const Geo &g, const float *dy, const float *w, float *dx) {
  activeIsa().backwardDataFewCo(g, dy, w, dx);
}
void backwardFilterFewCo(const Geo &g, const float *x, const float *dy, float *dw) {
  activeIsa().backwardFilterFewCo(g, x, dy, dw);
}
void backwardDataFewCi(const Geo &g, const float *dy, const float *w, float *dx) {
  activeIsa().backwardDataFewCi(g, dy, w, dx);
}
// conv.h's bias + activation pass, for conv.cc: the chosen set's (elementwise.cc).
void biasActivation(float *y, const float *bias, long rows, long channels, int act, float alpha) {
  activeIsa().biasActivation(y, bias, rows, channels, act, alpha);
}

}  // namespace aekit
