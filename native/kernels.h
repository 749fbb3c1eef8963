// The functions the addon exports (registered in module.cc), one group per source file.
#pragma once
#include <node_api.h>

#include <string>

namespace aekit {

// conv.cc
napi_value Conv2dForward(napi_env env, napi_callback_info info);
napi_value Conv2dBackwardData(napi_env env, napi_callback_info info);
napi_value Conv2dBackwardFilter(napi_env env, napi_callback_info info);
// The oneDNN implementation (or aekit direct kernel) the last convolution ran on.
const std::string &lastConvImpl();

// pool.cc
napi_value MaxPool(napi_env env, napi_callback_info info);
napi_value MaxPoolGrad(napi_env env, napi_callback_info info);

// elementwise.cc
napi_value Unary(napi_env env, napi_callback_info info);
napi_value Binary(napi_env env, napi_callback_info info);
napi_value Select(napi_env env, napi_callback_info info);
napi_value SeluGrad(napi_env env, napi_callback_info info);
napi_value SumOuter(napi_env env, napi_callback_info info);
napi_value SumInner(napi_env env, napi_callback_info info);

// lstm.cc
napi_value LstmForward(napi_env env, napi_callback_info info);
napi_value LstmBackward(napi_env env, napi_callback_info info);

// matmul.cc
napi_value MatMul(napi_env env, napi_callback_info info);

}  // namespace aekit
