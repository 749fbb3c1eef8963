// Op codes: the numbers that name an operation or an activation across the JS/C++ boundary.
// They are written only here. The addon exports each table as a frozen object of name → code
// (`addon.unaryOps`, `addon.binaryOps`, `addon.activations`, see
// module.cc), native.ts reads every code it passes from those objects, and a kernel given a
// code that is not in its table throws (Args::code).
#pragma once
#include <cstddef>
#include <iterator>

namespace aekit {

// One entry of an op table: the name JavaScript uses, and its code.
struct OpCode {
  const char *name;
  int code;
};

// A table of op codes, exported to JavaScript as `addon[name]`.
struct OpTable {
  const char *name;
  const OpCode *entries;
  size_t count;

  // True when `code` is one of the table's codes (a few comparisons).
  constexpr bool has(int code) const {
    for (size_t i = 0; i < count; ++i)
      if (entries[i].code == code) return true;
    return false;
  }
};

// unary(heap, op, x, y, n)
enum class UnaryOp : int { kSelu = 0, kExp = 1, kSigmoid = 2, kRelu = 3 };
// binary(heap, op, a, na, b, nb, y, n)
enum class BinaryOp : int { kAdd = 0, kSub = 1, kMul = 2, kGreater = 3 };
// The activation applied by matMul, conv2dForward, conv2dTranspose and activationBiasGrad.
enum class Activation : int { kLinear = 0, kRelu = 1, kSigmoid = 2, kElu = 3, kRelu6 = 4, kLeakyRelu = 5, kSelu = 6 };

template <typename E>
constexpr OpCode entry(const char *name, E code) {
  return {name, static_cast<int>(code)};
}

inline constexpr OpCode kUnaryOpCodes[] = {entry("selu", UnaryOp::kSelu), entry("exp", UnaryOp::kExp),
                                           entry("sigmoid", UnaryOp::kSigmoid), entry("relu", UnaryOp::kRelu)};
inline constexpr OpCode kBinaryOpCodes[] = {entry("add", BinaryOp::kAdd), entry("sub", BinaryOp::kSub),
                                            entry("mul", BinaryOp::kMul), entry("greater", BinaryOp::kGreater)};
// Named as tfjs names fused activations (`attrs.activation`), selu added.
inline constexpr OpCode kActivationCodes[] = {
    entry("linear", Activation::kLinear), entry("relu", Activation::kRelu),   entry("sigmoid", Activation::kSigmoid),
    entry("elu", Activation::kElu),       entry("relu6", Activation::kRelu6), entry("leakyrelu", Activation::kLeakyRelu),
    entry("selu", Activation::kSelu)};

inline constexpr OpTable kUnaryOps{"unaryOps", kUnaryOpCodes, std::size(kUnaryOpCodes)};
inline constexpr OpTable kBinaryOps{"binaryOps", kBinaryOpCodes, std::size(kBinaryOpCodes)};
inline constexpr OpTable kActivations{"activations", kActivationCodes, std::size(kActivationCodes)};

// Every table the addon exports.
inline constexpr const OpTable *kOpTables[] = {&kUnaryOps, &kBinaryOps, &kActivations};

}  // namespace aekit
