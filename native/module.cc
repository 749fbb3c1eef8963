// aekit's native engine: the heavy kernels of convolutional and recurrent autoencoder training,
// for tfjs.
//
// Every function works in place on tfjs's wasm heap: its first argument is the heap's
// ArrayBuffer, the others are byte offsets into it and sizes (plain numbers). Nothing is
// copied between JavaScript and C++. Convolutions run on oneDNN (JIT AVX2/AVX-512 kernels,
// primitives cached per shape); pooling, reductions and element-wise kernels are loops here,
// spread over OpenMP threads (the same runtime oneDNN uses, so both share one thread pool).
// A function returns false when it does not handle a case, and the JS side then runs tfjs's
// own kernel instead.
#include <node_api.h>
#include <dnnl.h>
#include <omp.h>

#include <cstdio>

#include "args.h"
#include "kernels.h"
#include "threads.h"

namespace aekit {
namespace {

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_double(env, argv[0], &n) != napi_ok || n < 1) {
    napi_throw_type_error(env, nullptr, "aekit native: setThreads(n) needs a number n >= 1");
    return nullptr;
  }
  omp_set_num_threads(static_cast<int>(n));
  startWorkers();
  return boolean(env, true);
}

napi_value Info(napi_env env, napi_callback_info) {
  const dnnl_version_t *v = dnnl_version();
  char b[256];
  snprintf(b, sizeof b, "{\"threads\":%d,\"onednn\":\"%d.%d.%d\",\"lastImpl\":\"%s\"}", omp_get_max_threads(), v->major,
           v->minor, v->patch, lastConvImpl().c_str());
  napi_value r;
  napi_create_string_utf8(env, b, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  startWorkers();
  struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"conv2dForward", Conv2dForward}, {"conv2dBackwardData", Conv2dBackwardData},
             {"conv2dBackwardFilter", Conv2dBackwardFilter}, {"maxPool", MaxPool}, {"maxPoolGrad", MaxPoolGrad},
             {"unary", Unary}, {"binary", Binary}, {"select", Select}, {"seluGrad", SeluGrad},
             {"sumOuter", SumOuter}, {"sumInner", SumInner}, {"lstmForward", LstmForward}, {"matMul", MatMul},
             {"lstmBackward", LstmBackward}, {"setThreads", SetThreads}, {"info", Info}};
  for (auto &f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}


}  // namespace
}  // namespace aekit

NAPI_MODULE(NODE_GYP_MODULE_NAME, aekit::Init)
