// The boundary between JavaScript and the kernels.
//
// Every addon function that works on the wasm heap is a Kernel: its first argument is the heap's
// ArrayBuffer, the others are numbers (byte offsets into the heap, sizes, op codes). JavaScript
// calls it through callKernel, which checks the argument count, reads the heap and the numbers,
// runs the kernel, and turns a C++ exception (oneDNN's errors, std::bad_alloc) into a JavaScript
// Error instead of letting it abort the process. The kernel reads each number through Args,
// which checks it for what it is: a size is an integer in [0, 2^31), an op code is one of its
// table's codes, and a buffer's byte range [offset, offset + count · element size) lies inside
// the heap (and is aligned for its element type). Args records the first failure; a kernel
// calls `if (!a.ok()) return a.fail();` after reading its arguments and before it touches
// memory, and the failure reaches JavaScript as an Error (code ERR_AEKIT_NATIVE_ARGUMENT; a wrong
// JavaScript type is a TypeError) naming the function, the argument, what was expected and what
// was found. The checks are a few comparisons per argument.
#pragma once
#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ops.h"

namespace aekit {

class Args;

// Error codes (`err.code` in JavaScript) of the errors the addon throws.
inline constexpr const char *kArgumentError = "ERR_AEKIT_NATIVE_ARGUMENT";  // a call that breaks its contract
inline constexpr const char *kFailureError = "ERR_AEKIT_NATIVE_FAILURE";    // the kernel failed (oneDNN, memory)

// Most numbers any kernel takes after the heap (conv2dForward takes 23).
inline constexpr size_t kMaxArgs = 32;
// Bound of sizes, extents and geometry: they fit in an int32, as tfjs's shapes do, so that
// products of two of them fit in a long.
inline constexpr double kMaxInt = 2147483647.0;

// Number of names in a comma-separated list ("x, y, n" has 3; "" has 0).
constexpr size_t countParams(const char *s) {
  if (*s == '\0') return 0;
  size_t n = 1;
  for (; *s != '\0'; ++s) n += *s == ',';
  return n;
}

// One addon function that works on the heap: its JavaScript name, the names of its arguments
// after the heap (comma-separated, for error messages), and its body.
struct Kernel {
  const char *name;
  const char *params;
  size_t argc;  // the number of arguments after the heap, counted from `params`
  napi_value (*run)(Args &a);

  constexpr Kernel(const char *jsName, const char *paramNames, napi_value (*body)(Args &))
      : name(jsName), params(paramNames), argc(countParams(paramNames)), run(body) {}
};

// The napi_callback of every Kernel (registered with the Kernel as its data, see module.cc).
napi_value callKernel(napi_env env, napi_callback_info info);

// Throws a JavaScript Error with `code` and `message`; returns nullptr (what a failed callback returns).
napi_value throwError(napi_env env, const char *code, const std::string &message);

// `v` as people write it, for messages: integers without exponent or decimals.
std::string formatNumber(double v);

// A product of sizes in double: exact up to 2^53, and never overflowing (a long product of a few
// int32 values may), so a byte range computed from it compares correctly with the heap size.
template <typename... L>
constexpr double count(L... v) {
  return (1.0 * ... * static_cast<double>(v));
}

// The arguments of one kernel call, read and checked one by one (indices count the numbers
// after the heap from 0; messages number arguments as JavaScript sees them, the heap being 1).
class Args {
 public:
  Args(napi_env env, const Kernel &kernel) : env_(env), kernel_(kernel) {}
  Args(const Args &) = delete;
  Args &operator=(const Args &) = delete;

  // Checks the count, reads the heap and the numbers; false (error recorded) if one is wrong.
  bool read(size_t argc, const napi_value *argv);

  // A count or extent: an integer in [0, 2^31).
  long size(size_t i) { return integer(i, 0, kMaxInt); }
  // A stride, dilation or window size: an integer in [1, 2^31).
  long positive(size_t i) { return integer(i, 1, kMaxInt); }
  // A padding (may be negative): an integer in (-2^31, 2^31).
  long signedInt(size_t i) { return integer(i, -kMaxInt, kMaxInt); }
  // 0 or 1.
  bool flag(size_t i) { return integer(i, 0, 1) != 0; }
  // A finite number.
  double real(size_t i);
  // One of `table`'s codes.
  int code(size_t i, const OpTable &table);

  // The buffer at byte offset argument i holding `n` elements of T: the pointer into the heap,
  // or nullptr (error recorded) unless the offset is an integer, aligned for T, and the whole
  // range lies inside the heap.
  template <typename T>
  T *span(size_t i, double n) {
    return static_cast<T *>(bytes(i, n, sizeof(T), alignof(T), false));
  }
  // The same, where the offset -1 means "no buffer" (nullptr, no error).
  template <typename T>
  T *optionalSpan(size_t i, double n) {
    return static_cast<T *>(bytes(i, n, sizeof(T), alignof(T), true));
  }

  // Records a failure the kernel found itself (arguments inconsistent with each other):
  // printf-style, prefixed with the function's name. Only the first failure is kept.
  void reject(const char *format, ...) __attribute__((format(printf, 2, 3)));

  // True while no argument has failed its check.
  bool ok() const { return error_.empty(); }
  // Throws the recorded failure in JavaScript; returns nullptr for the kernel to return.
  napi_value fail();
  // The kernel's return value, a JavaScript boolean (true: done; false: not handled, JavaScript
  // runs tfjs's kernel instead).
  napi_value result(bool value);

  const Kernel &kernel() const { return kernel_; }
  napi_env env() const { return env_; }

 private:
  long integer(size_t i, double lo, double hi) {
    if (!ok()) return 0;
    const double v = num_[i];
    if (v >= lo && v <= hi && v == std::trunc(v)) return static_cast<long>(v);
    rejectInteger(i, lo, hi);
    return 0;
  }
  void *bytes(size_t i, double n, size_t size, size_t align, bool optional) {
    if (!ok()) return nullptr;
    const double off = num_[i];
    if (optional && off == -1) return nullptr;
    if (off >= 0 && off == std::trunc(off) && n >= 0 && off + n * static_cast<double>(size) <= static_cast<double>(heapBytes_) &&
        static_cast<size_t>(off) % align == 0)
      return heap_ + static_cast<size_t>(off);
    rejectSpan(i, n, size, align, optional);
    return nullptr;
  }
  void rejectInteger(size_t i, double lo, double hi);
  void rejectSpan(size_t i, double n, size_t size, size_t align, bool optional);
  void rejectType(size_t position, const char *expected, napi_value found);
  // "argument 3 (x)" for number i.
  std::string argument(size_t i) const;

  napi_env env_;
  const Kernel &kernel_;
  uint8_t *heap_ = nullptr;
  size_t heapBytes_ = 0;
  double num_[kMaxArgs];
  std::string error_;
  bool typeError_ = false;
};

}  // namespace aekit
