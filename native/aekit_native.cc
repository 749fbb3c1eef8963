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
#include <dnnl.hpp>
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
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

// One oneDNN primitive, made while OpenMP had a given number of threads (oneDNN fixes its
// work split when the primitive is made).
struct Variant {
  dnnl::primitive prim;
  dnnl::memory scratch;  // this primitive's own scratchpad (scratchpad_mode::user)
  std::string impl;
};

// A cached convolution. Forward and input-gradient primitives come in two variants, one thread
// and all threads: oneDNN 2.6's GEMM-based input gradient runs 2–4× slower on 2 threads than on 1
// for some of the seed model's shapes (measured: 14×14 16→32 and the 7→14 transposed
// convolution), and faster for others. The first calls time both on the caller's data and keep
// the faster. Both give bit-identical results (each image is computed by one thread either way;
// checked), so the choice cannot change a training run. Filter gradients sum over the batch
// across threads, so their results depend on the thread count: they always use all threads.
struct Cached {
  bool ok = false;
  Variant v[2];          // [0] one thread, [1] all threads
  bool tune = false;     // time both variants before choosing
  int choice = 1;        // the variant that runs once tuned
  int tuned = 0;         // calls timed so far
  double best[2] = {1e30, 1e30};
  const std::string &impl() const { return v[choice].impl; }
};
constexpr int kTuneCalls = 3;
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

// Looks up or creates the primitive for `key`; `make` fills a Variant for the current thread
// count. With `tunable`, also makes the one-thread variant and times both on the first calls.
template <typename F>
Cached &getPrim(const std::string &key, bool tunable, F make) {
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Cached c;
  try {
    make(c.v[1]);
    c.ok = true;
  } catch (const dnnl::error &) {
    c.ok = false;
  }
  const int n = omp_get_max_threads();
  if (c.ok && tunable && n > 1) {
    omp_set_num_threads(1);
    try {
      make(c.v[0]);
      c.tune = true;
    } catch (const dnnl::error &) {
      c.tune = false;
    }
    omp_set_num_threads(n);
  }
  return cache.emplace(key, std::move(c)).first->second;
}

double nowMs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

void execVariant(Cached &c, int k, std::unordered_map<int, dnnl::memory> &io) {
  io[DNNL_ARG_SCRATCHPAD] = c.v[k].scratch;
  const int n = omp_get_max_threads();
  if (k == 0 && n > 1) omp_set_num_threads(1);
  c.v[k].prim.execute(strm(), io);
  strm().wait();
  if (k == 0 && n > 1) omp_set_num_threads(n);
}

// Runs the cached primitive on `io` (signals blocked, see SignalBlock); while tuning, runs both
// variants twice each (same inputs, same output) and keeps the best time of each.
void run(Cached &c, std::unordered_map<int, dnnl::memory> io) {
  SignalBlock guard;
  if (c.tune && c.tuned < kTuneCalls) {
    for (int rep = 0; rep < 2; ++rep)
      for (int k = 0; k < 2; ++k) {
        const double t0 = nowMs();
        execVariant(c, k, io);
        c.best[k] = std::min(c.best[k], nowMs() - t0);
      }
    if (++c.tuned == kTuneCalls) c.choice = c.best[0] < 0.9 * c.best[1] ? 0 : 1;
    return;
  }
  execVariant(c, c.choice, io);
}

// conv2dForward(heap, x, w, bias|-1, y, geo[17], act(0 linear, 1 relu))
napi_value Conv2dForward(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 4);
  bool hasBias = a.num[2] >= 0;
  int act = static_cast<int>(a.num[21]);
  std::string key = "f" + std::to_string(hasBias) + std::to_string(act) + g.key();
  Cached &c = getPrim(key, true, [&](Variant &c) {
    auto pd = fwdPd(g, hasBias, act);
    c.prim = dnnl::convolution_forward(pd);
    c.scratch = dnnl::memory(pd.scratchpad_desc(), eng());
    c.impl = pd.impl_info_str();
  });
  if (!c.ok) return boolean(env, false);
  ConvMds m = mds(g, hasBias);
  std::unordered_map<int, dnnl::memory> io{{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), at<float>(a, 0))},
                                           {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 1))},
                                           {DNNL_ARG_DST, dnnl::memory(m.dst, eng(), at<float>(a, 3))}};
  if (hasBias) io.emplace(DNNL_ARG_BIAS, dnnl::memory(m.bias, eng(), at<float>(a, 2)));
  run(c, std::move(io));
  lastImpl = c.impl();
  return boolean(env, true);
}

// One input channel (ci = 1): oneDNN 2.6 runs these gradients through its generic GEMM path at
// 1–5 GFLOP/s (the input gradient of the seed model's first convolution, and the forward pass of
// its last transposed convolution, 16 → 1 channels, and their filter gradients). Here each is a
// direct loop vectorised over the output channels (AVX2); measured 2–3× faster than oneDNN for
// the seed model's shapes (batch 32: 28×28 input gradient 1.55 → 0.6 ms, 14→28 transposed
// convolution 0.95 → 0.35 ms, 28×28 filter gradient 0.61 → 0.26 ms).

constexpr long kParWork = 1L << 18;  // multiply-adds below which one thread is faster than two

// For each input row (or column) i, the kernel taps k that reach it and the output index o they
// come from: i = o·s − p + k·d with 0 ≤ o < no. Flattened, row i at i·(2·kn + 1): the count,
// then (k, o) pairs.
std::vector<long> tapTable(long ni, long no, long kn, long s, long p, long d) {
  std::vector<long> t(static_cast<size_t>(ni) * (2 * kn + 1), 0);
  for (long i = 0; i < ni; ++i) {
    long *row = t.data() + i * (2 * kn + 1);
    for (long k = 0; k < kn; ++k) {
      const long u = i + p - k * d;
      if (u < 0 || u % s != 0 || u / s >= no) continue;
      row[1 + 2 * row[0]] = k;
      row[2 + 2 * row[0]] = u / s;
      ++row[0];
    }
  }
  return t;
}

// dx[b, ih, iw] = Σ_{kh, kw} Σ_co dy[b, oh, ow, co] · w[kh, kw, 0, co], where ih = oh·sh − pt + kh·dh,
// for a channel count known at compile time (the loops unroll into registers), with two
// accumulators, even and odd taps, so that the multiply-adds do not wait on each other.
template <int CO>
void backwardDataC1Fixed(const Geo &g, const float *dy, const float *w, float *dx, const std::vector<long> &rows,
                         const std::vector<long> &cols) {
  const long rs = 2 * g.kh + 1, cs = 2 * g.kw + 1;
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.kh * g.kw * CO > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    const float *dps[64];
    const float *fps[64];
    for (long iw = 0; iw < g.w; ++iw) {
      const long *ct = cols.data() + iw * cs;
      int nt = 0;
      for (long i = 0; i < rt[0]; ++i) {
        const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
        for (long j = 0; j < ct[0]; ++j) {
          dps[nt] = dy + ((b * g.ho + oh) * g.wo + ct[2 + 2 * j]) * CO;
          fps[nt] = w + (kh * g.kw + ct[1 + 2 * j]) * CO;
          ++nt;
        }
      }
      float A[CO] = {}, B[CO] = {};
      int t = 0;
      for (; t + 1 < nt; t += 2) {
        const float *d0 = dps[t], *f0 = fps[t], *d1 = dps[t + 1], *f1 = fps[t + 1];
#pragma omp simd
        for (int c = 0; c < CO; ++c) {
          A[c] += d0[c] * f0[c];
          B[c] += d1[c] * f1[c];
        }
      }
      if (t < nt) {
        const float *d0 = dps[t], *f0 = fps[t];
#pragma omp simd
        for (int c = 0; c < CO; ++c) A[c] += d0[c] * f0[c];
      }
      float sum = 0;
      for (int c = 0; c < CO; ++c) sum += A[c] + B[c];
      dx[r * g.w + iw] = sum;
    }
  }
}

// The same for any channel count (one 8-lane accumulator and a scalar tail).
void backwardDataC1(const Geo &g, const float *dy, const float *w, float *dx) {
  const long co = g.co, co8 = co - co % 8;
  const std::vector<long> rows = tapTable(g.h, g.ho, g.kh, g.sh, g.pt, g.dh);
  const std::vector<long> cols = tapTable(g.w, g.wo, g.kw, g.sw, g.pl, g.dw);
  const long rs = 2 * g.kh + 1, cs = 2 * g.kw + 1;
  if (g.kh * g.kw <= 64) {
    if (co == 8) return backwardDataC1Fixed<8>(g, dy, w, dx, rows, cols);
    if (co == 16) return backwardDataC1Fixed<16>(g, dy, w, dx, rows, cols);
    if (co == 32) return backwardDataC1Fixed<32>(g, dy, w, dx, rows, cols);
  }
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.kh * g.kw * co > kParWork)
  for (long r = 0; r < g.n * g.h; ++r) {
    const long b = r / g.h, ih = r % g.h;
    const long *rt = rows.data() + ih * rs;
    for (long iw = 0; iw < g.w; ++iw) {
      const long *ct = cols.data() + iw * cs;
      float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      float tail = 0;
      for (long i = 0; i < rt[0]; ++i) {
        const long kh = rt[1 + 2 * i], oh = rt[2 + 2 * i];
        for (long j = 0; j < ct[0]; ++j) {
          const long kw = ct[1 + 2 * j], ow = ct[2 + 2 * j];
          const float *d = dy + ((b * g.ho + oh) * g.wo + ow) * co;
          const float *f = w + (kh * g.kw + kw) * co;
          for (long c = 0; c < co8; c += 8)
#pragma omp simd
            for (int l = 0; l < 8; ++l) lanes[l] += d[c + l] * f[c + l];
          for (long c = co8; c < co; ++c) tail += d[c] * f[c];
        }
      }
      float sum = tail;
      for (int l = 0; l < 8; ++l) sum += lanes[l];
      dx[r * g.w + iw] = sum;
    }
  }
}

// dw[kh, kw, 0, co] = Σ_{b, oh, ow} x[b, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw] · dy[b, oh, ow, co];
// each image is first copied into a zero-padded buffer (no bounds checks in the loop); float sums
// per image, added up in double.
template <int CO>
void backwardFilterC1T(const Geo &g, const float *x, const float *dy, float *dw) {
  const long co = CO > 0 ? CO : g.co, taps = g.kh * g.kw, nw = taps * co;
  // padded extent: every position any tap reads, (o·s + k·d) for o < no, k < kn
  const long hp = (g.ho - 1) * g.sh + (g.kh - 1) * g.dh + 1, wp = (g.wo - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const int nt = g.n * g.ho * g.wo * taps * co > kParWork ? omp_get_max_threads() : 1;
  std::vector<double> total(static_cast<size_t>(nt) * nw, 0.0);
#pragma omp parallel num_threads(nt)
  {
    std::vector<float> acc(nw), xp(static_cast<size_t>(hp) * wp);
    double *mine = total.data() + static_cast<size_t>(omp_get_thread_num()) * nw;
#pragma omp for schedule(static)
    for (long b = 0; b < g.n; ++b) {
      for (long i = 0; i < hp; ++i) {
        const long ih = i - g.pt;
        for (long j = 0; j < wp; ++j) {
          const long iw = j - g.pl;
          xp[i * wp + j] = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w ? x[(b * g.h + ih) * g.w + iw] : 0.f;
        }
      }
      std::fill(acc.begin(), acc.end(), 0.f);
      for (long oh = 0; oh < g.ho; ++oh)
        for (long ow = 0; ow < g.wo; ++ow) {
          const float *d = dy + ((b * g.ho + oh) * g.wo + ow) * co;
          const float *xo = xp.data() + oh * g.sh * wp + ow * g.sw;
          for (long kh = 0; kh < g.kh; ++kh)
            for (long kw = 0; kw < g.kw; ++kw) {
              const float xv = xo[kh * g.dh * wp + kw * g.dw];
              float *a = acc.data() + (kh * g.kw + kw) * co;
#pragma omp simd
              for (long c = 0; c < co; ++c) a[c] += xv * d[c];
            }
        }
      for (long k = 0; k < nw; ++k) mine[k] += acc[k];
    }
  }
  for (long k = 0; k < nw; ++k) {
    double v = 0;
    for (int t = 0; t < nt; ++t) v += total[static_cast<size_t>(t) * nw + k];
    dw[k] = static_cast<float>(v);
  }
}

// Channel counts known at compile time unroll the inner loop (CO = 0: any count).
void backwardFilterC1(const Geo &g, const float *x, const float *dy, float *dw) {
  if (g.co == 8) return backwardFilterC1T<8>(g, x, dy, dw);
  if (g.co == 16) return backwardFilterC1T<16>(g, x, dy, dw);
  if (g.co == 32) return backwardFilterC1T<32>(g, x, dy, dw);
  backwardFilterC1T<0>(g, x, dy, dw);
}

// conv2dBackwardData(heap, dy, w, dx, geo[17]): dx = conv input gradient (also transposed conv).
napi_value Conv2dBackwardData(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 3);
  if (g.ci == 1) {
    backwardDataC1(g, at<float>(a, 0), at<float>(a, 1), at<float>(a, 2));
    lastImpl = "aekit:direct:ci1";
    return boolean(env, true);
  }
  Cached &c = getPrim("d" + g.key(), true, [&](Variant &c) {
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
  ConvMds m = mds(g, false);
  run(c, {{DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), at<float>(a, 0))},
          {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 1))},
          {DNNL_ARG_DIFF_SRC, dnnl::memory(m.src, eng(), at<float>(a, 2))}});
  lastImpl = c.impl();
  return boolean(env, true);
}

// conv2dBackwardFilter(heap, x, dy, dw, geo[17]): dw = filter gradient, HWIO.
napi_value Conv2dBackwardFilter(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  Geo g = readGeo(a, 3);
  if (g.ci == 1) {
    backwardFilterC1(g, at<float>(a, 0), at<float>(a, 1), at<float>(a, 2));
    lastImpl = "aekit:direct:ci1";
    return boolean(env, true);
  }
  Cached &c = getPrim("w" + g.key(), false, [&](Variant &c) {
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
  ConvMds m = mds(g, false);
  run(c, {{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), at<float>(a, 0))},
          {DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), at<float>(a, 1))},
          {DNNL_ARG_DIFF_WEIGHTS, dnnl::memory(m.wei, eng(), at<float>(a, 2))}});
  lastImpl = c.impl();
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
  if (g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.pt == 0 && g.pl == 0 && 2 * g.ho <= g.h && 2 * g.wo <= g.w) {
    // 2×2 windows, stride 2, no padding (the seed model's pools): the windows do not overlap, so
    // each input pixel gets its window's dy or 0; the first maximum in row-major order wins.
    const long c = g.c;
#pragma omp parallel for schedule(static) if (g.n * img > 16384)
    for (long r = 0; r < g.n * g.ho; ++r) {
      const long b = r / g.ho, oh = r % g.ho;
      const float *x0 = x + (b * g.h + 2 * oh) * g.w * c, *x1 = x0 + g.w * c;
      float *d0 = dx + (b * g.h + 2 * oh) * g.w * c, *d1 = d0 + g.w * c;
      const float *dyr = dy + r * g.wo * c;
      for (long ow = 0; ow < g.wo; ++ow) {
        const long o = 2 * ow * c;
#pragma omp simd
        for (long k = 0; k < c; ++k) {
          const float a = x0[o + k], bb = x0[o + c + k], cc = x1[o + k], dd = x1[o + c + k];
          const float g1 = dyr[ow * c + k];
          // index of the first maximum: compare in row-major order, later ones win only if greater
          float m = a;
          int at = 0;
          at = bb > m ? 1 : at; m = bb > m ? bb : m;
          at = cc > m ? 2 : at; m = cc > m ? cc : m;
          at = dd > m ? 3 : at;
          d0[o + k] = at == 0 ? g1 : 0.f;
          d0[o + c + k] = at == 1 ? g1 : 0.f;
          d1[o + k] = at == 2 ? g1 : 0.f;
          d1[o + c + k] = at == 3 ? g1 : 0.f;
        }
      }
      // columns no window covers (odd width)
      for (long iw = 2 * g.wo; iw < g.w; ++iw) {
        std::memset(d0 + iw * c, 0, sizeof(float) * c);
        std::memset(d1 + iw * c, 0, sizeof(float) * c);
      }
    }
    // rows no window covers (odd height)
    if (2 * g.ho < g.h)
      for (long b = 0; b < g.n; ++b)
        std::memset(dx + (b * g.h + 2 * g.ho) * g.w * c, 0, sizeof(float) * (g.h - 2 * g.ho) * g.w * c);
    return boolean(env, true);
  }
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

// e^x in float, written so that loops calling it vectorise (glibc's expf is a scalar call per
// element, and libmvec's vector version is not used inside conditionals): range reduction
// x = n·ln2 + r with ln2 split in two (Cody–Waite), a degree-6 polynomial for e^r on
// |r| ≤ ln2/2 (relative error ~2e-7, the Cephes expf coefficients), and 2^n applied as two
// factors 2^h · 2^(n-h) that are both normal floats, so results down to the denormals and up
// to FLT_MAX come out right. Above 88.72 gives +inf, NaN stays NaN.
inline float pow2i(float k) {
  const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
inline float fastExp(float x) {
  const float xc = std::min(std::max(x, -104.f), 88.72283935546875f);
  const float n = std::floor(xc * 1.44269504088896341f + 0.5f);
  // fused multiply-adds: -ffast-math would otherwise fold the two steps into one with ln2 rounded
  float r = std::fma(n, -0.693359375f, xc);
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // p · 2^(n-h) by adding to p's exponent bits (an integer op, so -ffast-math cannot reorder the
  // two scalings into one overflowing 2^n), then · 2^h.
  const float h = std::floor(n * 0.5f);
  int32_t pb;
  std::memcpy(&pb, &p, sizeof pb);
  pb += static_cast<int32_t>(n - h) << 23;
  float ph;
  std::memcpy(&ph, &pb, sizeof ph);
  float y = ph * pow2i(h);
  y = x > 88.72283935546875f ? INFINITY : y;
  return x != x ? x : y;
}

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
      for (long i = 0; i < n; ++i) {
        const float v = x[i];
        const float neg = kSeluScaleAlpha * (fastExp(std::min(v, 0.f)) - 1.f);
        y[i] = v >= 0.f ? kSeluScale * v : neg;
      }
      break;
    case 1:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = fastExp(x[i]);
      break;
    case 2:
#pragma omp parallel for simd schedule(static) if (n > kPar)
      for (long i = 0; i < n; ++i) y[i] = 1.f / (1.f + fastExp(-x[i]));
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
  for (long i = 0; i < n; ++i) {
    const float v = x[i];
    const float neg = dy[i] * kSeluScaleAlpha * fastExp(std::min(v, 0.f));
    dx[i] = v > 0.f ? dy[i] * kSeluScale : neg;
  }
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
// LSTM over a whole sequence (Keras's gate order i, f, c̃, o; sigmoid gates, tanh cell), forward
// and backpropagation through time, so that a layer is two kernels instead of ~15 small ops per
// time step. Layouts are tfjs's: x [B, T, F], kernel [F, 4U], recurrent kernel [U, 4U], bias
// [4U], h and c [B, T, U], gates [B, T, 4U] (the activated gate values, kept for the backward
// pass). Matrix products run on oneDNN's sgemm (row-major), one per time step for the recurrent
// part and one for the whole sequence for the input part.

inline float sigm(float v) { return 1.f / (1.f + fastExp(-v)); }
// tanh from e^(2v), saturating cleanly (|v| > 9 gives ±1 within float precision).
inline float tanhf_(float v) {
  const float e = fastExp(2.f * std::min(std::max(v, -9.f), 9.f));
  return (e - 1.f) / (e + 1.f);
}

bool sgemm(char ta, char tb, long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
           float beta, float *c, long ldc) {
  return dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == dnnl_success;
}

// lstmForward(heap, x, kernel, recurrentKernel, bias, h, c, gates, B, T, F, U)
napi_value LstmForward(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *x = at<float>(a, 0), *w = at<float>(a, 1), *u = at<float>(a, 2), *bias = at<float>(a, 3);
  float *h = at<float>(a, 4), *c = at<float>(a, 5), *g = at<float>(a, 6);
  const long B = I(a, 7), T = I(a, 8), F = I(a, 9), U = I(a, 10), G = 4 * U;
  const std::vector<float> zero(static_cast<size_t>(U), 0.f);  // c before the first step
  SignalBlock guard;
  if (!sgemm('N', 'N', B * T, G, F, 1.f, x, F, w, G, 0.f, g, G)) return boolean(env, false);
  for (long t = 0; t < T; ++t) {
    float *gt = g + t * G;
    if (t > 0 && !sgemm('N', 'N', B, G, U, 1.f, h + (t - 1) * U, T * U, u, G, 1.f, gt, T * G)) return boolean(env, false);
#pragma omp parallel for schedule(static) if (B * U > 8192)
    for (long b = 0; b < B; ++b) {
      float *z = gt + b * T * G;
      const float *cp = t > 0 ? c + (b * T + t - 1) * U : zero.data();
      float *cn = c + (b * T + t) * U, *hn = h + (b * T + t) * U;
#pragma omp simd
      for (long j = 0; j < U; ++j) {
        const float i = sigm(z[j] + bias[j]), f = sigm(z[U + j] + bias[U + j]);
        const float gg = tanhf_(z[2 * U + j] + bias[2 * U + j]), o = sigm(z[3 * U + j] + bias[3 * U + j]);
        const float cv = i * gg + f * cp[j];
        z[j] = i, z[U + j] = f, z[2 * U + j] = gg, z[3 * U + j] = o;
        cn[j] = cv;
        hn[j] = o * tanhf_(cv);
      }
    }
  }
  return boolean(env, true);
}

// lstmBackward(heap, dy, x, kernel, recurrentKernel, h, c, gates, dx, dKernel, dRecurrent, dBias,
//              B, T, F, U, sequences): dy is [B, T, U] when sequences = 1, else [B, U] (the
// gradient of the last step's h only).
napi_value LstmBackward(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *dy = at<float>(a, 0), *x = at<float>(a, 1), *w = at<float>(a, 2), *u = at<float>(a, 3);
  const float *h = at<float>(a, 4), *c = at<float>(a, 5), *g = at<float>(a, 6);
  float *dx = at<float>(a, 7), *dw = at<float>(a, 8), *du = at<float>(a, 9), *db = at<float>(a, 10);
  const long B = I(a, 11), T = I(a, 12), F = I(a, 13), U = I(a, 14), G = 4 * U;
  const bool seq = I(a, 15) != 0;
  std::vector<float> dz(static_cast<size_t>(B * T * G)), dhn(static_cast<size_t>(B * U), 0.f),
      dcn(static_cast<size_t>(B * U), 0.f), zero(static_cast<size_t>(U), 0.f);
  std::fill(du, du + U * G, 0.f);
  SignalBlock guard;
  for (long t = T - 1; t >= 0; --t) {
#pragma omp parallel for schedule(static) if (B * U > 8192)
    for (long b = 0; b < B; ++b) {
      const float *z = g + (b * T + t) * G, *cv = c + (b * T + t) * U, *cp = t > 0 ? c + (b * T + t - 1) * U : zero.data();
      const float *dyt = seq ? dy + (b * T + t) * U : (t == T - 1 ? dy + b * U : nullptr);
      float *dzt = dz.data() + (b * T + t) * G, *dh = dhn.data() + b * U, *dc = dcn.data() + b * U;
#pragma omp simd
      for (long j = 0; j < U; ++j) {
        const float i = z[j], f = z[U + j], gg = z[2 * U + j], o = z[3 * U + j];
        const float tc = tanhf_(cv[j]);
        const float dhv = dh[j] + (dyt != nullptr ? dyt[j] : 0.f);
        const float dcv = dhv * o * (1.f - tc * tc) + dc[j];
        dzt[j] = dcv * gg * i * (1.f - i);
        dzt[U + j] = dcv * cp[j] * f * (1.f - f);
        dzt[2 * U + j] = dcv * i * (1.f - gg * gg);
        dzt[3 * U + j] = dhv * tc * o * (1.f - o);
        dc[j] = dcv * f;
      }
    }
    if (t > 0) {
      const float *dzt = dz.data() + t * G;
      if (!sgemm('N', 'T', B, U, G, 1.f, dzt, T * G, u, G, 0.f, dhn.data(), U) ||
          !sgemm('T', 'N', U, G, B, 1.f, h + (t - 1) * U, T * U, dzt, T * G, 1.f, du, G))
        return boolean(env, false);
    }
  }
  if (!sgemm('T', 'N', F, G, B * T, 1.f, x, F, dz.data(), G, 0.f, dw, G) ||
      !sgemm('N', 'T', B * T, F, G, 1.f, dz.data(), G, w, G, 0.f, dx, F))
    return boolean(env, false);
  std::vector<double> s(static_cast<size_t>(G), 0.0);
  for (long r = 0; r < B * T; ++r)
    for (long j = 0; j < G; ++j) s[j] += dz[r * G + j];
  for (long j = 0; j < G; ++j) db[j] = static_cast<float>(s[j]);
  return boolean(env, true);
}

// ---------------------------------------------------------------------------------------------
// Matrix products (tfjs's BatchMatMul and _FusedMatMul) on oneDNN's sgemm: tfjs's wasm kernel
// computes transposed products (every weight gradient of a dense layer) at ~1.5 GFLOP/s on one
// thread.

// matMul(heap, a, b, y, batch, batchA, batchB, m, n, k, transA, transB, bias, act, alpha): y[i] =
// op(a[i]) · op(b[i]) for i < batch (an operand with batch 1 is shared by all), + bias[n] when
// bias ≥ 0, then act: 0 linear, 1 relu, 2 sigmoid, 3 elu, 4 relu6, 5 leaky relu (slope alpha).
napi_value MatMul(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return nullptr;
  const float *A = at<float>(a, 0), *Bm = at<float>(a, 1);
  float *Y = at<float>(a, 2);
  const long batch = I(a, 3), batchA = I(a, 4), batchB = I(a, 5), m = I(a, 6), n = I(a, 7), k = I(a, 8);
  const bool ta = I(a, 9) != 0, tb = I(a, 10) != 0;
  const float *bias = a.num[11] >= 0 ? at<float>(a, 11) : nullptr;
  const int act = static_cast<int>(a.num[12]);
  const float alpha = static_cast<float>(a.num[13]);
  {
    SignalBlock guard;
    for (long i = 0; i < batch; ++i) {
      const float *Ai = A + (batchA == 1 ? 0 : i) * m * k, *Bi = Bm + (batchB == 1 ? 0 : i) * k * n;
      if (!sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, Ai, ta ? m : k, Bi, tb ? k : n, 0.f, Y + i * m * n, n))
        return boolean(env, false);
    }
  }
  if (bias == nullptr && act == 0) return boolean(env, true);
  const long rows = batch * m;
#pragma omp parallel for schedule(static) if (rows * n > kPar)
  for (long r = 0; r < rows; ++r) {
    float *y = Y + r * n;
    if (bias != nullptr) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] += bias[j];
    }
    if (act == 1) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : 0.f;
    } else if (act == 2) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = 1.f / (1.f + fastExp(-y[j]));
    } else if (act == 3) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : fastExp(std::min(y[j], 0.f)) - 1.f;
    } else if (act == 4) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = std::min(std::max(y[j], 0.f), 6.f);
    } else if (act == 5) {
#pragma omp simd
      for (long j = 0; j < n; ++j) y[j] = y[j] > 0.f ? y[j] : alpha * y[j];
    }
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

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
