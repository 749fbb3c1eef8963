// Node-API argument helpers shared by every kernel: the heap ArrayBuffer and the numbers after it.
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aekit {

struct Args {
  uint8_t *heap = nullptr;
  size_t heapBytes = 0;
  std::vector<double> num;
};

// Reads the heap and the numbers after it; on a type error throws a JS TypeError and returns false.
bool readArgs(napi_env env, napi_callback_info info, Args &a);

// A JS boolean.
napi_value boolean(napi_env env, bool v);

template <typename T>
T *at(const Args &a, size_t i) { return reinterpret_cast<T *>(a.heap + static_cast<size_t>(a.num[i])); }
inline long I(const Args &a, size_t i) { return static_cast<long>(a.num[i]); }

}  // namespace aekit
