#include "args.h"

namespace aekit {

bool readArgs(napi_env env, napi_callback_info info, Args &a) {
  size_t argc = 40;
  napi_value argv[40];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1) return false;
  void *data = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &a.heapBytes) != napi_ok) {
    napi_throw_type_error(env, nullptr, "aekit native: first argument must be the wasm heap ArrayBuffer");
    return false;
  }
  a.heap = static_cast<uint8_t *>(data);
  a.num.resize(argc - 1);
  for (size_t i = 1; i < argc; ++i) {
    if (napi_get_value_double(env, argv[i], &a.num[i - 1]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "aekit native: arguments after the heap must be numbers");
      return false;
    }
  }
  return true;
}

napi_value boolean(napi_env env, bool v) {
  napi_value r;
  napi_get_boolean(env, v, &r);
  return r;
}

}  // namespace aekit
