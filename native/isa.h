// Instruction sets. aekit's own kernels (the files that open `namespace AEKIT_ISA_NS`: pool.cc,
// resize.cc, elementwise.cc, lstm.cc, matmul.cc, loss.cc, optim.cc, conv_direct.cc and isa_table.cc)
// are compiled once per instruction set by native/build.mjs, each time with -DAEKIT_ISA=<name>,
// which puts them in a namespace of their own:
//
//   aekit::avx2     -march=x86-64-v3  (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE)      always built
//   aekit::avx512   -march=x86-64-v4 -mprefer-vector-width=512  (+ AVX-512 F/BW/CD/DQ/VL)
//                   built when the compiler can (the build log says which were built)
//
// The rest of the addon (module.cc, args.cc, threads.cc, isa.cc and conv.cc, whose convolutions
// oneDNN compiles for the CPU itself) is compiled once, for plain x86-64: loading the addon runs
// only that code, so it cannot die with SIGILL on any x86-64 CPU. When the module loads, isa.cc
// reads what the CPU and its OS support (CPUID, XGETBV) and module.cc exports the kernels of the
// best set this CPU runs, or of the one AEKIT_NATIVE_ISA names (refused if the CPU lacks it); on a
// CPU without x86-64-v3 the addon refuses to load, saying what is missing, and aekit runs on wasm.
#pragma once
#include <cstddef>
#include <string>

#include "args.h"
#include "conv.h"

// The namespace of the file being compiled for one instruction set: aekit::avx2 or aekit::avx512.
#ifdef AEKIT_ISA
#define AEKIT_ISA_NS aekit::AEKIT_ISA
#endif

namespace aekit {

// Error codes of a module that refuses to load: the CPU cannot run any of the kernels (aekit
// falls back to wasm), or AEKIT_NATIVE_ISA asks for what this CPU or build does not have (refused).
inline constexpr const char *kCpuError = "ERR_AEKIT_NATIVE_CPU";
inline constexpr const char *kIsaError = "ERR_AEKIT_NATIVE_ISA";

// One instruction set's kernels (isa_table.cc): the Kernels module.cc exports, and the direct
// convolution kernels (one input channel, a few input or output channels) and the bias +
// activation pass that conv.cc calls (through conv.h's functions of the same names, which forward
// to the chosen set's).
struct IsaKernels {
  const Kernel *const *kernels;
  size_t count;
  void (*backwardDataC1)(const Geo &g, const float *dy, const float *w, float *dx);
  void (*backwardFilterFew)(const Geo &g, const float *x, const float *dy, float *dw);
  void (*forwardFewCo)(const Geo &g, const float *x, const float *w, const float *bias, float *y);
  void (*backwardDataFewCo)(const Geo &g, const float *dy, const float *w, float *dx);
  void (*backwardFilterFewCo)(const Geo &g, const float *x, const float *dy, float *dw);
  void (*backwardDataFewCi)(const Geo &g, const float *dy, const float *w, float *dx);
  void (*biasActivation)(float *y, const float *bias, long rows, long channels, int act, float alpha);
};

namespace avx2 {
extern const IsaKernels kTable;
}
namespace avx512 {
extern const IsaKernels kTable;  // only linked in when the build defines AEKIT_WITH_AVX512
}

// Chooses the instruction set, once, when the module loads: AEKIT_NATIVE_ISA if it is set, else
// the best one this build has and this CPU runs. Returns true, or false with `code` (kCpuError or
// kIsaError) and a one-line `message`.
bool chooseIsa(const char *&code, std::string &message);

// The chosen set's kernels (after chooseIsa succeeded).
const IsaKernels &activeIsa();

// info()'s fields about instruction sets, as JSON members without the braces:
// "isa":"avx2","isaLabel":"AVX2","isaForced":false,"isas":[{"name":"avx2","label":"AVX2",
// "compiled":true,"missing":[]},…] (missing: what the CPU or OS lacks for that set).
std::string isaInfoJson();

}  // namespace aekit
