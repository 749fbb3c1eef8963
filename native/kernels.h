// The functions on the heap that the addon exports (registered in module.cc), by source file.
// Each is a Kernel (args.h): name, argument names, body. conv.cc's and matmul.cc's are compiled once; the others
// once per instruction set, into aekit::avx2 and aekit::avx512 (isa.h), and module.cc exports the
// set chosen when the module loads (their table: isa_table.cc).
#pragma once
#include <string>

#include "args.h"
#include "conv.h"
#include "isa.h"

namespace aekit {

// conv.cc
extern const Kernel kConv2dForward, kConv2dBackwardData, kConv2dBackwardFilter;
extern const Kernel kConv2dTranspose;
// matmul.cc
extern const Kernel kMatMul;
// The oneDNN implementation (or aekit direct kernel) the last convolution ran on.
const std::string &lastConvImpl();

}  // namespace aekit

// The kernels of one instruction set, as the files compiled for it see them.
#ifdef AEKIT_ISA
namespace AEKIT_ISA_NS {

// pool.cc
extern const Kernel kMaxPool, kMaxPoolGrad;

// resize.cc
extern const Kernel kResizeNearest, kResizeNearestGrad;

// elementwise.cc
extern const Kernel kUnary, kBinary, kSelect, kSeluGrad, kSumOuter, kSumInner;
extern const Kernel kActivationBiasGrad;

// lstm.cc
extern const Kernel kLstmForward, kLstmBackward;

// loss.cc
extern const Kernel kBceForward, kBceGrad, kMseForward, kMseGrad;

// optim.cc
extern const Kernel kAdam, kSgd;

// conv_direct.cc (conv.h's direct kernels call the chosen set's)
void backwardDataC1(const Geo &g, const float *dy, const float *w, float *dx);
void backwardFilterFew(const Geo &g, const float *x, const float *dy, float *dw);
void forwardFewCo(const Geo &g, const float *x, const float *w, const float *bias, float *y);
void backwardDataFewCo(const Geo &g, const float *dy, const float *w, float *dx);
void backwardFilterFewCo(const Geo &g, const float *x, const float *dy, float *dw);
void backwardDataFewCi(const Geo &g, const float *dy, const float *w, float *dx);
// elementwise.cc (conv.h's biasActivation calls the chosen set's)
void biasActivation(float *y, const float *bias, long rows, long channels, int act, float alpha);

}  // namespace AEKIT_ISA_NS
#endif
