// aekit's native engine: the heavy kernels of convolutional autoencoder training, for tfjs.
//
// Every function works in place on tfjs's wasm heap: its first argument is the heap's
// ArrayBuffer, the others are byte offsets into it and sizes (plain numbers). Nothing is
// copied between JavaScript and C++. Convolutions run on oneDNN (JIT AVX2/AVX-512 kernels,
// primitives cached per shape); pooling, reductions and element-wise kernels are loops here,
// spread over OpenMP threads (the same runtime oneDNN uses, so both share one thread pool).
// A function returns false when it does not handle a case, and the JS side then runs tfjs's
// own kernel instead.
#include <node_api.h>
#include <dnnl.hpp>
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// Node-API helpers

struct Args {
  uint8_t *heap = nullptr;
  size_t heapBytes = 0;
  std::vector<double> num;
};

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

template <typename T>
T *at(const Args &a, size_t i) { return reinterpret_cast<T *>(a.heap + static_cast<size_t>(a.num[i])); }
inline long I(const Args &a, size_t i) { return static_cast<long>(a.num[i]); }

// ---------------------------------------------------------------------------------------------
// Signals. oneDNN 2.6's JIT GEMM (used by its NHWC convolutions) is not async-signal-safe: a
// signal handled on a thread while it runs corrupts the heap (seen with Node's --cpu-prof, whose
// SIGPROF samples the main thread; reproduced in plain C++ with setitimer). So signals are
// blocked on the calling thread while a convolution runs (they arrive right after), and the
// OpenMP worker threads are created with every signal blocked (see Init).

struct SignalBlock {
  sigset_t old;
  SignalBlock() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old, nullptr); }
};

// ---------------------------------------------------------------------------------------------
// Convolutions on oneDNN

dnnl::engine &eng() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
dnnl::stream &strm() {
  static dnnl::stream s(eng());
  return s;
}

// Geometry of one 2-D convolution in tfjs's NHWC / HWIO layout; padding may be negative at the end.
struct Geo {
  long n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  std::string key() const {
    char b[256];
    snprintf(b, sizeof b, "%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld", n, h, w, ci, ho, wo, co, kh,
             kw, sh, sw, dh, dw, pt, pl, pb, pr);
    return b;
  }
};

Geo readGeo(const Args &a, size_t i) {
  Geo g;
  long *f = &g.n;
  for (int k = 0; k < 17; ++k) f[k] = I(a, i + k);
  return g;
}

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

struct ConvMds {
  dnnl::memory::desc src, wei, dst, bias;
  dims strides, dil, pl, pr;
};

ConvMds mds(const Geo &g, bool bias) {
  ConvMds m;
  m.src = dnnl::memory::desc({g.n, g.ci, g.h, g.w}, dt::f32, tag::nhwc);
  m.wei = dnnl::memory::desc({g.co, g.ci, g.kh, g.kw}, dt::f32, tag::hwio);
  m.dst = dnnl::memory::desc({g.n, g.co, g.ho, g.wo}, dt::f32, tag::nhwc);
  if (bias) m.bias = dnnl::memory::desc({g.co}, dt::f32, tag::x);
  m.strides = {g.sh, g.sw};
  m.dil = {g.dh - 1, g.dw - 1};
  m.pl = {g.pt, g.pl};
  m.pr = {g.pb, g.pr};
  return m;
}

struct Cached {
  bool ok = false;
  dnnl::primitive prim;
  dnnl::memory scratch;  // this primitive's own scratchpad (scratchpad_mode::user)
  std::string impl;
};

dnnl::primitive_attr userScratch() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

std::unordered_map<std::string, Cached> cache;
std::string lastImpl;

dnnl::convolution_forward::primitive_desc fwdPd(const Geo &g, bool bias, int act) {
  ConvMds m = mds(g, bias);
  auto d = bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, m.src,
                                                  m.wei, m.bias, m.dst, m.strides, m.dil, m.pl, m.pr)
                : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, m.src,
                                                  m.wei, m.dst, m.strides, m.dil, m.pl, m.pr);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (act == 1) {
    dnnl::post_ops po;
    po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(po);
  }
  return dnnl::convolution_forward::primitive_desc(d, attr, eng());
}

// Looks up or creates the primitive for `key`; `make` returns it and its implementation name.
template <typename F>
Cached &getPrim(const std::string &key, F make) {
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Cached c;
  try {
    make(c);
    c.ok = true;
  } catch (const dnnl::error &) {
    c.ok = false;
  }
  return cache.emplace(key, std::move(c)).first->second;
}

// conv2dForward(heap, x, w, bias|-1, y, geo[17], act(0 linear, 1 relu))
napi_value Conv2dForward(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 4);
  bool hasBias = a.num[2] >= 0;
  int act = static_cast<int>(a.num[21]);
  std::string key = "f" + std::to_string(hasBias) + std::to_string(act) + g.key();
  Cached &c = getPrim(key, [&](Cached &c) {
    auto pd = fwdPd(g, hasBias, act);
    c.prim = dnnl::convolution_forward(pd);
    c.scratch = dnnl::memory(pd.scratchpad_desc(), eng());
    c.impl = pd.impl_info_str();
  });
  if (!c.ok) return boolean(env, false);
  lastImpl = c.impl;
  ConvMds m = mds(g, hasBias);
  std::unordered_map<int, dnnl::memory> io{{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), at<float>(a, 0))},
                                           {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 1))},
                                           {DNNL_ARG_DST, dnnl::memory(m.dst, eng(), at<float>(a, 3))}};
  io.emplace(DNNL_ARG_SCRATCHPAD, c.scratch);
  if (hasBias) io.emplace(DNNL_ARG_BIAS, dnnl::memory(m.bias, eng(), at<float>(a, 2)));
  SignalBlock guard;
  c.prim.execute(strm(), io);
  strm().wait();
  return boolean(env, true);
}

// conv2dBackwardData(heap, dy, w, dx, geo[17]): dx = conv input gradient (also transposed conv).
napi_value Conv2dBackwardData(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 3);
  Cached &c = getPrim("d" + g.key(), [&](Cached &c) {
    ConvMds m = mds(g, false);
    auto hint = fwdPd(g, false, 0);
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, m.src, m.wei, m.dst, m.strides, m.dil, m.pl,
                                            m.pr);
    dnnl::convolution_backward_data::primitive_desc pd(d, userScratch(), eng(), hint);
    c.prim = dnnl::convolution_backward_data(pd);
    c.scratch = dnnl::memory(pd.scratchpad_desc(), eng());
    c.impl = pd.impl_info_str();
  });
  if (!c.ok) return boolean(env, false);
  lastImpl = c.impl;
  ConvMds m = mds(g, false);
  SignalBlock guard;
  c.prim.execute(strm(), {{DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), at<float>(a, 0))},
                          {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 1))},
                          {DNNL_ARG_DIFF_SRC, dnnl::memory(m.src, eng(), at<float>(a, 2))},
                          {DNNL_ARG_SCRATCHPAD, c.scratch}});
  strm().wait();
  return boolean(env, true);
}

// conv2dBackwardFilter(heap, x, dy, dw, geo[17]): dw = filter gradient, HWIO.
napi_value Conv2dBackwardFilter(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 3);
  Cached &c = getPrim("w" + g.key(), [&](Cached &c) {
    ConvMds m = mds(g, false);
    auto hint = fwdPd(g, false, 0);
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, m.src, m.wei, m.dst, m.strides, m.dil,
                                               m.pl, m.pr);
    dnnl::convolution_backward_weights::primitive_desc pd(d, userScratch(), eng(), hint);
    c.prim = dnnl::convolution_backward_weights(pd);
    c.scratch = dnnl::memory(pd.scratchpad_desc(), eng());
    c.impl = pd.impl_info_str();
  });
  if (!c.ok) return boolean(env, false);
  lastImpl = c.impl;
  ConvMds m = mds(g, false);
  SignalBlock guard;
  c.prim.execute(strm(), {{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), at<float>(a, 0))},
                          {DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), at<float>(a, 1))},
                          {DNNL_ARG_DIFF_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 2))},
                          {DNNL_ARG_SCRATCHPAD, c.scratch}});
  strm().wait();
  return boolean(env, true);
}

// ---------------------------------------------------------------------------------------------
// Max pooling (NHWC), with tfjs's semantics: the first maximum of a window (row-major) wins,
// padded positions are skipped.

struct PoolGeo {
  long n, h, w, c, ho, wo, kh, kw, sh, sw, pt, pl;
};
PoolGeo readPool(const Args &a, size_t i) {
  PoolGeo g;
  long *f = &g.n;
  for (int k = 0; k < 12; ++k) f[k] = I(a, i + k);
  return g;
}

// maxPool(heap, x, y, geo[12])
napi_value MaxPool(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0);
  float *y = at<float>(a, 1);
  PoolGeo g = readPool(a, 2);
#pragma omp parallel for schedule(static) if (g.n * g.ho * g.wo * g.c > 16384)
  for (long r = 0; r < g.n * g.ho; ++r) {
    long b = r / g.ho, oh = r % g.ho;
    for (long ow = 0; ow < g.wo; ++ow) {
      float *yo = y + ((r * g.wo) + ow) * g.c;
      for (long c = 0; c < g.c; ++c) yo[c] = -INFINITY;
      for (long i = 0; i < g.kh; ++i) {
        long ih = oh * g.sh - g.pt + i;
        if (ih < 0 || ih >= g.h) continue;
        for (long j = 0; j < g.kw; ++j) {
          long iw = ow * g.sw - g.pl + j;
          if (iw < 0 || iw >= g.w) continue;
          const float *xi = x + ((b * g.h + ih) * g.w + iw) * g.c;
          for (long c = 0; c < g.c; ++c) yo[c] = xi[c] > yo[c] ? xi[c] : yo[c];
        }
      }
    }
  }
  return boolean(env, true);
}

// maxPoolGrad(heap, dy, x, dx, geo[12]): dy goes to the first maximum of each window of x.
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *dy = at<float>(a, 0);
  const float *x = at<float>(a, 1);
  float *dx = at<float>(a, 2);
  PoolGeo g = readPool(a, 3);
  const long img = g.h * g.w * g.c;
#pragma omp parallel for schedule(static) if (g.n * img > 16384)
  for (long b = 0; b < g.n; ++b) {
    std::memset(dx + b * img, 0, sizeof(float) * img);
    std::vector<float> best(g.c);
    std::vector<long> pos(g.c);
    for (long oh = 0; oh < g.ho; ++oh)
      for (long ow = 0; ow < g.wo; ++ow) {
        for (long c = 0; c < g.c; ++c) best[c] = -INFINITY, pos[c] = -1;
        for (long i = 0; i < g.kh; ++i) {
          long ih = oh * g.sh - g.pt + i;
          if (ih < 0 || ih >= g.h) continue;
          for (long j = 0; j < g.kw; ++j) {
            long iw = ow * g.sw - g.pl + j;
            if (iw < 0 || iw >= g.w) continue;
            long off = (ih * g.w + iw) * g.c;
            const float *xi = x + b * img + off;
            for (long c = 0; c < g.c; ++c)
              if (xi[c] > best[c] || pos[c] < 0) best[c] = xi[c], pos[c] = off + c;
          }
        }
        const float *dyo = dy + ((b * g.ho + oh) * g.wo + ow) * g.c;
        for (long c = 0; c < g.c; ++c)
          if (pos[c] >= 0) dx[b * img + pos[c]] += dyo[c];
      }
  }
  return boolean(env, true);
}

// ---------------------------------------------------------------------------------------------
// Element-wise kernels and reductions

constexpr long kPar = 32768;  // below this many elements, one thread is faster than two
constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSeluScaleAlpha = 1.7580993408473768599402175208123f;

// unary(heap, op, x, y, n): 0 selu, 1 exp, 2 sigmoid, 3 relu
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  int op = static_cast<int>(a.num[0]);
  const float *x = at<float>(a, 1);
  float *y = at<float>(a, 2);
  long n = I(a, 3);
  switch (op) {
    case 0:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = x[i] >= 0.f ? kSeluScale * x[i] : kSeluScaleAlpha * (expf(x[i]) - 1.f);
      break;
    case 1:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = expf(x[i]);
      break;
    case 2:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = 1.f / (1.f + expf(-x[i]));
      break;
    case 3:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
    default:
      return boolean(env, false);
  }
  return boolean(env, true);
}

// y[i] = f(a[i], b[i % nb]) with nb = n, 1 or a divisor of n (b broadcast along the innermost axes).
template <typename F>
void binaryLoop(const float *a, const float *b, long nb, long n, float *y, F f) {
  if (nb == 1) {
    const float s = b[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
    for (long i = 0; i < n; ++i) y[i] = f(a[i], s);
  } else if (nb == n) {
#pragma omp parallel for simd schedule(static) if (n > kPar)
    for (long i = 0; i < n; ++i) y[i] = f(a[i], b[i]);
  } else {
    const long outer = n / nb;
#pragma omp parallel for schedule(static) if (n > kPar)
    for (long o = 0; o < outer; ++o)
#pragma omp simd
      for (long i = 0; i < nb; ++i) y[o * nb + i] = f(a[o * nb + i], b[i]);
  }
}

// binary(heap, op, a, na, b, nb, y, n): y[i] = a[i % na] op b[i % nb], where na and nb are n, 1,
// or (for b only) the innermost size of a row-major broadcast. op: 0 add, 1 sub, 2 mul, 3 greater (y is uint8).
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args)) return nullptr;
  int op = static_cast<int>(args.num[0]);
  const float *a = at<float>(args, 1);
  long na = I(args, 2);
  const float *b = at<float>(args, 3);
  long nb = I(args, 4);
  void *yv = at<void>(args, 5);
  long n = I(args, 6);
  if (na != n) {  // swap so that `a` is the full-size one (add/mul commute; sub/greater flip)
    if (nb != n) return boolean(env, false);
    if (op == 1 || op == 3) {
      if (na != 1) return boolean(env, false);
      float s = a[0];
      if (op == 1) {
        float *y = static_cast<float *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s - b[i];
      } else {
        uint8_t *y = static_cast<uint8_t *>(yv);
#pragma omp parallel for simd schedule(static) if (n > kPar)
        for (long i = 0; i < n; ++i) y[i] = s > b[i];
      }
      return boolean(env, true);
    }
    std::swap(a, b);
    std::swap(na, nb);
  }
  if (nb != n && nb != 1 && n % nb != 0) return boolean(env, false);
  long inner = nb, outer = n / nb;
  if (op == 3) {
    uint8_t *y = static_cast<uint8_t *>(yv);
    if (nb == 1) {
      float s = b[0];
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = a[i] > s;
    } else {
#pragma omp parallel for schedule(static) if (n > kPar)
      for (long o = 0; o < outer; ++o)
        for (long i = 0; i < inner; ++i) y[o * inner + i] = a[o * inner + i] > b[i];
    }
    return boolean(env, true);
  }
  float *y = static_cast<float *>(yv);
  switch (op) {
    case 0: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u + v; }); break;
    case 1: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u - v; }); break;
    case 2: binaryLoop(a, b, nb, n, y, [](float u, float v) { return u * v; }); break;
    default: return boolean(env, false);
  }
  return boolean(env, true);
}

// select(heap, cond(uint8), t, e, y, n)
napi_value Select(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const uint8_t *cnd = at<uint8_t>(a, 0);
  const float *t = at<float>(a, 1);
  const float *e = at<float>(a, 2);
  float *y = at<float>(a, 3);
  long n = I(a, 4);
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) y[i] = cnd[i] ? t[i] : e[i];
  return boolean(env, true);
}

// seluGrad(heap, dy, x, dx, n): the whole chain tfjs builds for Selu's gradient, in one pass.
napi_value SeluGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *dy = at<float>(a, 0);
  const float *x = at<float>(a, 1);
  float *dx = at<float>(a, 2);
  long n = I(a, 3);
#pragma omp parallel for simd schedule(static) if (n > kPar)
  for (long i = 0; i < n; ++i) dx[i] = x[i] > 0.f ? dy[i] * kSeluScale : dy[i] * kSeluScaleAlpha * expf(x[i]);
  return boolean(env, true);
}

// sumOuter(heap, x, y, outer, inner): y[j] = Σ_o x[o, j] (reducing leading axes).
napi_value SumOuter(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0);
  float *y = at<float>(a, 1);
  long outer = I(a, 2), inner = I(a, 3);
  int nt = outer * inner > kPar ? omp_get_max_threads() : 1;
  std::vector<double> part(static_cast<size_t>(nt) * inner, 0.0);
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num();
    double *p = part.data() + static_cast<size_t>(t) * inner;
#pragma omp for schedule(static)
    for (long o = 0; o < outer; ++o)
      for (long j = 0; j < inner; ++j) p[j] += x[o * inner + j];
  }
  for (long j = 0; j < inner; ++j) {
    double s = 0;
    for (int t = 0; t < nt; ++t) s += part[static_cast<size_t>(t) * inner + j];
    y[j] = static_cast<float>(s);
  }
  return boolean(env, true);
}

// sumInner(heap, x, y, outer, inner): y[o] = Σ_j x[o, j] (reducing trailing axes).
napi_value SumInner(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0);
  float *y = at<float>(a, 1);
  long outer = I(a, 2), inner = I(a, 3);
  if (outer == 1) {
    double s = 0;
#pragma omp parallel for simd reduction(+ : s) schedule(static) if (inner > kPar)
    for (long j = 0; j < inner; ++j) s += x[j];
    y[0] = static_cast<float>(s);
    return boolean(env, true);
  }
#pragma omp parallel for schedule(static) if (outer * inner > kPar)
  for (long o = 0; o < outer; ++o) {
    double s = 0;
    for (long j = 0; j < inner; ++j) s += x[o * inner + j];
    y[o] = static_cast<float>(s);
  }
  return boolean(env, true);
}

// ---------------------------------------------------------------------------------------------
// Introspection

// Creates the OpenMP workers now, with every signal blocked (threads inherit the mask).
void startWorkers() {
  SignalBlock guard;
  int sink = 0;
#pragma omp parallel reduction(+ : sink)
  sink += omp_get_thread_num();
  (void)sink;
}

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
           v->minor, v->patch, lastImpl.c_str());
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
             {"sumOuter", SumOuter}, {"sumInner", SumInner}, {"setThreads", SetThreads}, {"info", Info}};
  for (auto &f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
