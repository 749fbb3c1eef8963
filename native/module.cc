// aekit's native engine: the heavy kernels of convolutional and recurrent autoencoder training,
// for tfjs.
//
// Every kernel works in place on tfjs's wasm heap: its first argument is the heap's
// ArrayBuffer, the others are byte offsets into it, sizes and op codes (plain numbers). Nothing
// is copied between JavaScript and C++, and every call is checked at the boundary (args.h): its
// argument count, each number, and every buffer's byte range against the heap; a call that
// breaks its contract throws a JavaScript Error instead of touching memory. Convolutions run on oneDNN (JIT AVX2/AVX-512 kernels,
// primitives cached per shape); pooling, reductions and element-wise kernels are loops here,
// spread over OpenMP threads (the same runtime oneDNN uses, so both share one thread pool).
// A kernel returns false when it does not handle a case, and the JS side then runs tfjs's own
// kernel instead.
//
// This file registers the module: the kernels (conv.cc, and pool.cc, resize.cc, elementwise.cc,
// matmul.cc, lstm.cc, loss.cc, optim.cc compiled for the instruction set chosen at load, see isa.h), the op code tables (ops.h)
// as frozen objects of name → code, setThreads and info.
#include <node_api.h>
#include <dnnl.h>
#include <omp.h>

#include <cmath>
#include <exception>
#include <string>

#include "args.h"
#include "isa.h"
#include "kernels.h"
#include "ops.h"
#include "threads.h"

namespace aekit {
namespace {

// Most threads setThreads accepts.
constexpr double kMaxThreads = 4096;

// The kernels compiled once (oneDNN picks its own code for the CPU); the others are those of the
// instruction set chosen when the module loads (isa.h, isa_table.cc).
const Kernel *const kKernels[] = {&kConv2dForward, &kConv2dBackwardData, &kConv2dBackwardFilter, &kConv2dTranspose, &kMatMul};

// Reads exactly `count` arguments into argv; throws and returns false otherwise.
bool readPlainArgs(napi_env env, napi_callback_info info, const char *signature, size_t count, napi_value *argv) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) {
    throwError(env, kFailureError, std::string("aekit native: ") + signature + ": could not read its arguments");
    return false;
  }
  if (argc != count) {
    throwError(env, kArgumentError, std::string("aekit native: ") + signature + " takes " + std::to_string(count) +
                                        " argument" + (count == 1 ? "" : "s") + ", got " + std::to_string(argc));
    return false;
  }
  return true;
}

// setThreads(n): the number of OpenMP threads the kernels use, an integer in [1, 4096].
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!readPlainArgs(env, info, "setThreads(n)", 1, argv)) return nullptr;
  double n = 0;
  if (napi_get_value_double(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, kArgumentError, "aekit native: setThreads(n): n must be a number");
    return nullptr;
  }
  if (!(n >= 1 && n <= kMaxThreads && n == std::trunc(n)))
    return throwError(env, kArgumentError, "aekit native: setThreads(n): n must be an integer in [1, 4096], got " +
                                               formatNumber(n));
  omp_set_num_threads(static_cast<int>(n));
  try {
    startWorkers();
  } catch (const std::exception &e) {
    return throwError(env, kFailureError, std::string("aekit native: setThreads failed: ") + e.what());
  }
  napi_value r;
  if (napi_get_boolean(env, true, &r) != napi_ok)
    return throwError(env, kFailureError, "aekit native: setThreads: could not create its return value");
  return r;
}

// info(): JSON with the thread count, oneDNN's version, the implementation of the last convolution
// and the kernels' instruction set (isa.h's isaInfoJson).
napi_value Info(napi_env env, napi_callback_info info) {
  if (!readPlainArgs(env, info, "info()", 0, nullptr)) return nullptr;
  const dnnl_version_t *v = dnnl_version();
  const std::string json = "{\"threads\":" + std::to_string(omp_get_max_threads()) + ",\"onednn\":\"" +
                           std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
                           "\",\"lastImpl\":\"" + lastConvImpl() + "\"," + isaInfoJson() + "}";
  napi_value r;
  if (napi_create_string_utf8(env, json.c_str(), json.size(), &r) != napi_ok)
    return throwError(env, kFailureError, "aekit native: info: could not create its return value");
  return r;
}

// Throws (and returns false) unless `status` is napi_ok; `what` says what was being done.
bool ok(napi_env env, napi_status status, const std::string &what) {
  if (status == napi_ok) return true;
  throwError(env, kFailureError, "aekit native: could not " + what + " while loading the addon (napi status " +
                                     std::to_string(status) + ")");
  return false;
}

bool exportFunction(napi_env env, napi_value exports, const char *name, napi_callback fn, void *data) {
  napi_value f;
  return ok(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, data, &f), std::string("create ") + name) &&
         ok(env, napi_set_named_property(env, exports, name, f), std::string("export ") + name);
}

// exports[table.name] = a frozen object { name: code, … }.
bool exportTable(napi_env env, napi_value exports, const OpTable &table) {
  napi_value o;
  if (!ok(env, napi_create_object(env, &o), std::string("create ") + table.name)) return false;
  for (size_t i = 0; i < table.count; ++i) {
    napi_value code;
    if (!ok(env, napi_create_int32(env, table.entries[i].code, &code), std::string("create ") + table.name) ||
        !ok(env, napi_set_named_property(env, o, table.entries[i].name, code), std::string("fill ") + table.name))
      return false;
  }
  return ok(env, napi_object_freeze(env, o), std::string("freeze ") + table.name) &&
         ok(env, napi_set_named_property(env, exports, table.name, o), std::string("export ") + table.name);
}

napi_value Init(napi_env env, napi_value exports) {
  // First, before any kernel code can run: the instruction set, or a refusal saying why.
  const char *code = nullptr;
  std::string why;
  if (!chooseIsa(code, why)) return throwError(env, code, "aekit native: " + why);
  try {
    startWorkers();
  } catch (const std::exception &e) {
    return throwError(env, kFailureError, std::string("aekit native: could not start its threads: ") + e.what());
  }
  for (const Kernel *k : kKernels)
    if (!exportFunction(env, exports, k->name, callKernel, const_cast<Kernel *>(k))) return nullptr;
  const IsaKernels &isa = activeIsa();
  for (size_t i = 0; i < isa.count; ++i) {
    const Kernel *k = isa.kernels[i];
    if (!exportFunction(env, exports, k->name, callKernel, const_cast<Kernel *>(k))) return nullptr;
  }
  if (!exportFunction(env, exports, "setThreads", SetThreads, nullptr) ||
      !exportFunction(env, exports, "info", Info, nullptr))
    return nullptr;
  for (const OpTable *t : kOpTables)
    if (!exportTable(env, exports, *t)) return nullptr;
  return exports;
}

}  // namespace
}  // namespace aekit

NAPI_MODULE(NODE_GYP_MODULE_NAME, aekit::Init)
