// The boundary between JavaScript and the kernels (see args.h): the call protocol, and the
// messages of the checks (only built when a check fails).
#include "args.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <exception>
#include <new>

namespace aekit {
namespace {

// The i-th name (from 0) of a comma-separated list, without the spaces around it.
std::string nthName(const char *list, size_t i) {
  const char *s = list;
  for (size_t k = 0; k < i && *s != '\0'; ++s)
    if (*s == ',') ++k;
  while (*s == ' ') ++s;
  const char *e = s;
  while (*e != '\0' && *e != ',') ++e;
  while (e > s && e[-1] == ' ') --e;
  return std::string(s, e);
}

// What a JavaScript value is, for "expected a number, got …".
const char *typeName(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "a value of unknown type";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: return "an object";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "a value of unknown type";
}

std::string signature(const Kernel &k) {
  return std::string(k.name) + "(heap" + (k.argc > 0 ? ", " : "") + k.params + ")";
}

}  // namespace

// `v` as people write it: integers without an exponent or decimals.
std::string formatNumber(double v) {
  char b[64];
  if (v == std::trunc(v) && std::fabs(v) < 9.2e18)  // within int64
    snprintf(b, sizeof b, "%" PRId64, static_cast<int64_t>(v));
  else
    snprintf(b, sizeof b, "%.17g", v);
  return b;
}

napi_value throwError(napi_env env, const char *code, const std::string &message) {
  // If this fails an exception is already pending, and JavaScript sees that one.
  napi_throw_error(env, code, message.c_str());
  return nullptr;
}

napi_value callKernel(napi_env env, napi_callback_info info) {
  // One more slot than any kernel takes, so that a call with too many arguments is seen as one.
  size_t argc = kMaxArgs + 2;
  napi_value argv[kMaxArgs + 2];
  void *data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok || data == nullptr)
    return throwError(env, kFailureError, "aekit native: could not read the arguments of a call (napi_get_cb_info failed)");
  const Kernel &kernel = *static_cast<const Kernel *>(data);
  Args a(env, kernel);
  if (!a.read(argc, argv)) return a.fail();
  try {
    return kernel.run(a);
  } catch (const std::bad_alloc &) {
    return throwError(env, kFailureError, std::string("aekit native: ") + kernel.name + ": out of memory");
  } catch (const std::exception &e) {
    return throwError(env, kFailureError, std::string("aekit native: ") + kernel.name + " failed: " + e.what());
  } catch (...) {
    return throwError(env, kFailureError, std::string("aekit native: ") + kernel.name + " failed (unknown C++ exception)");
  }
}

bool Args::read(size_t argc, const napi_value *argv) {
  if (argc != kernel_.argc + 1) {
    error_ = "aekit native: " + signature(kernel_) + " takes " + std::to_string(kernel_.argc + 1) + " arguments, got " +
             std::to_string(argc);  // napi_get_cb_info counts them all, also beyond argv's length
    return false;
  }
  void *data = nullptr;
  if (napi_get_arraybuffer_info(env_, argv[0], &data, &heapBytes_) != napi_ok) {
    rejectType(1, "the wasm heap's ArrayBuffer", argv[0]);
    return false;
  }
  heap_ = static_cast<uint8_t *>(data);
  if (heap_ == nullptr) heapBytes_ = 0;  // a detached buffer: no byte range lies inside it
  for (size_t i = 0; i < kernel_.argc; ++i) {
    if (napi_get_value_double(env_, argv[i + 1], &num_[i]) != napi_ok) {
      rejectType(i + 2, "a number", argv[i + 1]);
      return false;
    }
  }
  return true;
}

double Args::real(size_t i) {
  if (!ok()) return 0;
  const double v = num_[i];
  if (std::isfinite(v)) return v;
  reject("%s must be a finite number, got %s", argument(i).c_str(), formatNumber(v).c_str());
  return 0;
}

int Args::code(size_t i, const OpTable &table) {
  const long c = integer(i, 0, kMaxInt);
  if (!ok() || table.has(static_cast<int>(c))) return static_cast<int>(c);
  std::string known;
  for (size_t k = 0; k < table.count; ++k)
    known += std::string(k > 0 ? ", " : "") + table.entries[k].name + " " + std::to_string(table.entries[k].code);
  reject("%s is %ld, which is not a code of addon.%s (%s)", argument(i).c_str(), c, table.name, known.c_str());
  return 0;
}

void Args::reject(const char *format, ...) {
  if (!ok()) return;
  char b[512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(b, sizeof b, format, ap);
  va_end(ap);
  error_ = std::string("aekit native: ") + kernel_.name + ": " + b;
}

void Args::rejectInteger(size_t i, double lo, double hi) {
  reject("%s must be an integer in [%s, %s], got %s", argument(i).c_str(), formatNumber(lo).c_str(), formatNumber(hi).c_str(),
         formatNumber(num_[i]).c_str());
}

void Args::rejectSpan(size_t i, double n, size_t size, size_t align, bool optional) {
  const double off = num_[i];
  const std::string arg = argument(i);
  if (!(off >= 0 && off == std::trunc(off) && std::isfinite(off))) {
    reject("%s must be a byte offset into the wasm heap (an integer >= 0%s), got %s", arg.c_str(),
           optional ? ", or -1 for none" : "", formatNumber(off).c_str());
  } else if (!(n >= 0)) {
    reject("%s: its element count must be >= 0, got %s", arg.c_str(), formatNumber(n).c_str());
  } else if (static_cast<double>(heapBytes_) < off + n * static_cast<double>(size)) {
    reject("%s: %s element%s of %zu byte%s from byte offset %s end%s at byte %s, past the end of the wasm heap (%zu bytes)",
           arg.c_str(), formatNumber(n).c_str(), n == 1 ? "" : "s", size, size == 1 ? "" : "s", formatNumber(off).c_str(),
           n == 1 ? "s" : "", formatNumber(off + n * static_cast<double>(size)).c_str(), heapBytes_);
  } else {
    reject("%s: byte offset %s is not a multiple of %zu, the alignment of its elements", arg.c_str(), formatNumber(off).c_str(),
           align);
  }
}

void Args::rejectType(size_t position, const char *expected, napi_value found) {
  const std::string name = position == 1 ? "heap" : nthName(kernel_.params, position - 2);
  error_ = std::string("aekit native: ") + kernel_.name + ": argument " + std::to_string(position) + " (" + name +
           ") must be " + expected + ", got " + typeName(env_, found);
  typeError_ = true;
}

std::string Args::argument(size_t i) const {
  return "argument " + std::to_string(i + 2) + " (" + nthName(kernel_.params, i) + ")";
}

napi_value Args::fail() {
  if (error_.empty()) error_ = std::string("aekit native: ") + kernel_.name + ": failed without saying why";
  if (typeError_)
    napi_throw_type_error(env_, kArgumentError, error_.c_str());
  else
    napi_throw_error(env_, kArgumentError, error_.c_str());
  return nullptr;
}

napi_value Args::result(bool value) {
  napi_value r;
  if (napi_get_boolean(env_, value, &r) != napi_ok)
    return throwError(env_, kFailureError, std::string("aekit native: ") + kernel_.name + ": could not create its return value");
  return r;
}

}  // namespace aekit
