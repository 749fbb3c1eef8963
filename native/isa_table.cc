// One instruction set's kernel table (isa.h): compiled once per instruction set, like the kernels
// it lists, into aekit::avx2::kTable and aekit::avx512::kTable.
#include <iterator>

#include "conv.h"
#include "isa.h"
#include "kernels.h"

namespace AEKIT_ISA_NS {
namespace {

// Every kernel compiled per instruction set (module.cc exports these, conv.cc's and matmul.cc's).
const Kernel *const kKernels[] = {&kMaxPool,       &kMaxPoolGrad,       &kUnary,       &kBinary,  &kSelect,
                                  &kSeluGrad,      &kSumOuter,          &kSumInner,    &kLstmForward, &kLstmBackward,
                                  &kBceForward,  &kBceGrad, &kResizeNearest,
                                  &kResizeNearestGrad, &kAdam, &kSgd, &kActivationBiasGrad, &kMseForward, &kMseGrad};

}  // namespace

extern const IsaKernels kTable{kKernels,           std::size(kKernels),   backwardDataC1,      backwardFilterFew,
                               forwardFewCo,       backwardDataFewCo,     backwardFilterFewCo, backwardDataFewCi, biasActivation};

}  // namespace AEKIT_ISA_NS
