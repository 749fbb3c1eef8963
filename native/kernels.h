// The functions on the heap that the addon exports (registered in module.cc), by source file.
// Each is a Kernel (args.h): name, argument names, body.
#pragma once
#include <string>

#include "args.h"

namespace aekit {

// conv.cc
extern const Kernel kConv2dForward, kConv2dBackwardData, kConv2dBackwardFilter;
extern const Kernel kConv2dTranspose;
// The oneDNN implementation (or aekit direct kernel) the last convolution ran on.
const std::string &lastConvImpl();

// pool.cc
extern const Kernel kMaxPool, kMaxPoolGrad;

// elementwise.cc
extern const Kernel kUnary, kBinary, kSelect, kSeluGrad, kSumOuter, kSumInner;
extern const Kernel kSeluBiasGrad;

// lstm.cc
extern const Kernel kLstmForward, kLstmBackward;

// matmul.cc
extern const Kernel kMatMul;

}  // namespace aekit
