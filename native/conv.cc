// Convolutions on oneDNN: forward (with bias, and an activation applied in the same call), input
// gradient, filter gradient, and the transposed convolution with bias and activation; one input
// channel (and a few, for the filter and input gradients), and a few output channels, run on
// aekit's direct kernels (conv_direct.cc).
#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "conv.h"
#include "kernels.h"
#include "ops.h"
#include "threads.h"

namespace aekit {
namespace {

dnnl::engine &eng() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
dnnl::stream &strm() {
  static dnnl::stream s(eng());
  return s;
}


using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

struct ConvMds {
  dnnl::memory::desc src, wei, dst, bias;
  dims strides, dil, pl, pr;
};

// The memory descriptors of `g` in tfjs's layout (NHWC, HWIO), or with `any` (oneDNN chooses the
// activations' and filter's formats; the bias stays plain).
ConvMds mds(const Geo &g, bool bias, bool any = false) {
  ConvMds m;
  m.src = dnnl::memory::desc({g.n, g.ci, g.h, g.w}, dt::f32, any ? tag::any : tag::nhwc);
  m.wei = dnnl::memory::desc({g.co, g.ci, g.kh, g.kw}, dt::f32, any ? tag::any : tag::hwio);
  m.dst = dnnl::memory::desc({g.n, g.co, g.ho, g.wo}, dt::f32, any ? tag::any : tag::nhwc);
  if (bias) m.bias = dnnl::memory::desc({g.co}, dt::f32, tag::x);
  m.strides = {g.sh, g.sw};
  m.dil = {g.dh - 1, g.dw - 1};
  m.pl = {g.pt, g.pl};
  m.pr = {g.pb, g.pr};
  return m;
}

// Blocked formats. With tfjs's plain NHWC buffers, oneDNN 2.6 runs every convolution on its
// GEMM-based implementation (im2col + sgemm). Left to choose the formats (`any`), it picks its
// direct JIT convolutions on blocked formats (nChw8c on AVX2, nChw16c on AVX-512), which, with the
// reorders from and to NHWC counted, ran nearly every convolution of the seed's and the
// CIFAR-shaped models faster, up to 2.2× (docs/engines.md; `node bench/conv-kernels.mjs
// --thereEnv=AEKIT_NATIVE_CONV_FORMAT=plain --shapes=models`). The choice is a fixed rule (never
// timed), so a run computes the same sums in every process. AEKIT_NATIVE_CONV_FORMAT=plain keeps the plain formats (to compare).
bool blockedAllowed() {
  static const bool allowed = [] {
    const char *v = std::getenv("AEKIT_NATIVE_CONV_FORMAT");
    return v == nullptr || std::string(v) != "plain";
  }();
  return allowed;
}
// Blocked formats for `g` when oneDNN's choice for them is a direct JIT implementation and the
// output channels fill at least one block (measured faster for every such convolution of the
// seed's and the CIFAR-shaped models, inputs of 1 and 3 channels included; 1–4 output channels
// run on aekit's direct kernels instead).
bool wantBlocked(const Geo &g) { return blockedAllowed() && g.co >= 8; }
bool directImpl(const std::string &impl) { return impl.find("gemm") == std::string::npos && impl.find("ref") == std::string::npos; }

// One oneDNN primitive, made while OpenMP had a given number of threads (oneDNN fixes its
// work split when the primitive is made).
// An argument of a primitive in a format other than tfjs's: the primitive's own buffer in that
// format (allocated once) and the reorder between it and the caller's buffer, run before the
// primitive for an input and after it for an output.
struct Reorder {
  int arg;
  bool input;
  dnnl::memory own;
  dnnl::primitive prim;
};

struct Variant {
  dnnl::primitive prim;
  dnnl::memory scratch;  // this primitive's own scratchpad (scratchpad_mode::user)
  std::string impl;
  std::vector<Reorder> reorders;  // none for plain formats

  // Adds the reorder of argument `arg` unless the primitive's format `chosen` is the plain one.
  void reorderArg(int arg, bool input, const dnnl::memory::desc &plain, const dnnl::memory::desc &chosen) {
    if (chosen == plain) return;
    dnnl::memory own(chosen, eng());
    dnnl::primitive prim = input ? dnnl::reorder(dnnl::reorder::primitive_desc(eng(), plain, eng(), chosen))
                                 : dnnl::reorder(dnnl::reorder::primitive_desc(eng(), chosen, eng(), plain));
    reorders.push_back({arg, input, own, prim});
  }
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

// The forward primitive (bias included, no post-ops: see biasActivation in elementwise.cc).
dnnl::convolution_forward::primitive_desc fwdPd(const Geo &g, bool bias, bool any = false) {
  ConvMds m = mds(g, bias, any);
  auto d = bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, m.src,
                                                  m.wei, m.bias, m.dst, m.strides, m.dil, m.pl, m.pr)
                : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, m.src,
                                                  m.wei, m.dst, m.strides, m.dil, m.pl, m.pr);
  return dnnl::convolution_forward::primitive_desc(d, userScratch(), eng());
}

// The backward primitive descriptor of kind Op (convolution_backward_data or
// convolution_backward_weights) of `g`, in the formats oneDNN chooses (`any`) or tfjs's, hinted by
// the forward one of the same formats.
template <typename Op>
typename Op::primitive_desc backwardPd(const Geo &g, bool any) {
  const ConvMds m = mds(g, false, any);
  typename Op::desc d(dnnl::algorithm::convolution_direct, m.src, m.wei, m.dst, m.strides, m.dil, m.pl, m.pr);
  return typename Op::primitive_desc(d, userScratch(), eng(), fwdPd(g, false, any));
}

// Fills `v` with the primitive of kind Prim that `make(any)` describes: in the formats oneDNN
// chooses when wantBlocked(g) and its choice is a direct implementation (`reorders(v, pd, plain)`
// then adds the reorders from and to tfjs's layouts, `plain`), in tfjs's formats otherwise.
template <typename Prim, typename Make, typename Reorders>
void makeVariant(Variant &v, const Geo &g, bool bias, Make make, Reorders reorders) {
  auto pd = make(wantBlocked(g));
  if (wantBlocked(g) && directImpl(pd.impl_info_str()))
    reorders(v, pd, mds(g, bias));
  else if (wantBlocked(g))
    pd = make(false);
  v.prim = Prim(pd);
  v.scratch = dnnl::memory(pd.scratchpad_desc(), eng());
  v.impl = pd.impl_info_str();
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
  if (c.ok && tunable && omp_get_max_threads() > 1) {
    ScopedThreads one(1);
    try {
      make(c.v[0]);
      c.tune = true;
    } catch (const dnnl::error &) {
      c.tune = false;
    }
  }
  return cache.emplace(key, std::move(c)).first->second;
}

// Milliseconds on the monotonic clock (0 if it cannot be read, which Linux never does: tuning
// then keeps the all-threads variant).
double nowMs() {
  timespec t;
  if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) return 0;
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

// Runs variant k; oneDNN's C++ API throws dnnl::error when execute or wait fails (callKernel
// turns it into a JavaScript error), and the thread count comes back either way.
void execVariant(Cached &c, int k, const std::unordered_map<int, dnnl::memory> &user) {
  const Variant &v = c.v[k];
  std::unordered_map<int, dnnl::memory> io = user;
  io[DNNL_ARG_SCRATCHPAD] = v.scratch;
  ScopedThreads threads(k == 0 ? 1 : omp_get_max_threads());
  for (const Reorder &r : v.reorders) {
    if (r.input) r.prim.execute(strm(), {{DNNL_ARG_FROM, user.at(r.arg)}, {DNNL_ARG_TO, r.own}});
    io[r.arg] = r.own;
  }
  v.prim.execute(strm(), io);
  for (const Reorder &r : v.reorders)
    if (!r.input) r.prim.execute(strm(), {{DNNL_ARG_FROM, r.own}, {DNNL_ARG_TO, user.at(r.arg)}});
  strm().wait();
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

// Reads the 17 numbers of a convolution's geometry from argument i on (AEKIT_CONV_GEOMETRY) and
// checks them: sizes, strides and dilations ≥ 1, paddings integers, and the output size the one
// the input, filter, stride, dilation and padding give (oneDNN and the direct kernels rely on it).
Geo readGeo(Args &a, size_t i) {
  Geo g;
  long *f = &g.n;
  for (size_t k = 0; k < 13; ++k) f[k] = a.positive(i + k);  // n … dw
  for (size_t k = 13; k < 17; ++k) f[k] = a.signedInt(i + k);  // pt, pl, pb, pr
  if (!a.ok()) return g;
  const struct {
    const char *out, *in, *k, *s, *d, *p0, *p1;
    long o, n, kn, st, dil, pad0, pad1;
  } axes[] = {{"ho", "h", "kh", "sh", "dh", "pt", "pb", g.ho, g.h, g.kh, g.sh, g.dh, g.pt, g.pb},
              {"wo", "w", "kw", "sw", "dw", "pl", "pr", g.wo, g.w, g.kw, g.sw, g.dw, g.pl, g.pr}};
  for (const auto &x : axes) {
    const long span = x.n + x.pad0 + x.pad1 - ((x.kn - 1) * x.dil + 1);  // padded input minus filter extent
    if (span < 0 || span / x.st + 1 != x.o)
      a.reject("%s is %ld, but %s %ld + %s %ld + %s %ld with %s %ld, %s %ld and %s %ld give %ld", x.out, x.o, x.in, x.n, x.p0,
               x.pad0, x.p1, x.pad1, x.k, x.kn, x.d, x.dil, x.s, x.st, span < 0 ? 0 : span / x.st + 1);
  }
  return g;
}

// Whether the direct kernels for a few output channels (conv_direct.cc) replace oneDNN for `g`:
// every co ≤ 4 shape that bench/conv-kernels.mjs times ran faster on them in all three directions
// (batch 32 and 128; 1.3–17× on the shared 2-core EPYC, ci 3 to 128, 1×7 to 5×5, stride 1 and 2).
bool fewCoDirect(const Geo &g) { return g.co <= kFewOutChannels && g.dh == 1 && g.dw == 1; }

// Whether the direct input gradient for 2 to kFewChannels input channels (conv_direct.cc)
// replaces oneDNN for `g` (one input channel and a few output channels have their own kernels):
// it ran 1.3–1.8× faster on every such shape bench/conv-kernels.mjs times (batch 32 and 128: the
// 4×4 stride-2 transposed convolution 16 → 3 of upsampleConv2d, 1.73 → 0.94 ms at batch 32; the
// CIFAR decoder's 3×3 stride-2 one, 1.01 → 0.78 ms; the CIFAR encoder's first input gradient).
bool fewCiData(const Geo &g) { return g.ci >= 2 && g.ci <= kFewChannels && g.dh == 1 && g.dw == 1; }

}  // namespace

const std::string &lastConvImpl() { return lastImpl; }

namespace {

// conv2dForward(heap, x, filter, bias | -1, y, geometry[17], act, alpha): y = act(conv(x, filter)
// + bias), act a code of addon.activations (linear, relu, sigmoid, elu, relu6, leakyrelu with
// slope alpha, selu). With an activation, bias and activation are one pass over y in the same
// call (conv.h's biasActivation; measured 2–10% faster than oneDNN adding the bias before that
// pass); without one, oneDNN adds the bias. A few output channels run on the direct kernel, which
// adds the bias itself.
napi_value Conv2dForward(Args &a) {
  const Geo g = readGeo(a, 4);
  float *x = a.span<float>(0, count(g.n, g.h, g.w, g.ci));
  float *w = a.span<float>(1, count(g.kh, g.kw, g.ci, g.co));
  float *bias = a.optionalSpan<float>(2, g.co);
  float *y = a.span<float>(3, count(g.n, g.ho, g.wo, g.co));
  const int act = a.code(21, kActivations);
  const float alpha = static_cast<float>(a.real(22));
  if (!a.ok()) return a.fail();
  if (fewCoDirect(g)) {
    forwardFewCo(g, x, w, bias, y);
    biasActivation(y, nullptr, g.n * g.ho * g.wo, g.co, act, alpha);
    lastImpl = "aekit:direct:few-co";
    return a.result(true);
  }
  const bool biasInPass = act != static_cast<int>(Activation::kLinear);
  const bool hasBias = bias != nullptr && !biasInPass;  // oneDNN's bias
  Cached &c = getPrim("f" + std::to_string(hasBias) + g.key(), true, [&](Variant &v) {
    makeVariant<dnnl::convolution_forward>(
        v, g, hasBias, [&](bool any) { return fwdPd(g, hasBias, any); },
        [](Variant &r, const auto &pd, const ConvMds &m) {
          r.reorderArg(DNNL_ARG_SRC, true, m.src, pd.src_desc());
          r.reorderArg(DNNL_ARG_WEIGHTS, true, m.wei, pd.weights_desc());
          r.reorderArg(DNNL_ARG_DST, false, m.dst, pd.dst_desc());
        });
  });
  if (!c.ok) return a.result(false);
  ConvMds m = mds(g, hasBias);
  // dnnl::memory wraps the caller's buffers (no copy).
  std::unordered_map<int, dnnl::memory> io{{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), x)},
                                           {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), w)},
                                           {DNNL_ARG_DST, dnnl::memory(m.dst, eng(), y)}};
  if (hasBias) io.emplace(DNNL_ARG_BIAS, dnnl::memory(m.bias, eng(), bias));
  run(c, std::move(io));
  biasActivation(y, biasInPass ? bias : nullptr, g.n * g.ho * g.wo, g.co, act, alpha);
  lastImpl = c.impl();
  return a.result(true);
}

// dx = the input gradient of the convolution `g` for output gradient dy (also the transposed
// convolution of dy): one or a few input channels or a few output channels on the direct
// kernels, else oneDNN. False when oneDNN has no implementation.
bool backwardData(const Geo &g, const float *dy, const float *w, float *dx) {
  if (g.ci == 1) {
    backwardDataC1(g, dy, w, dx);
    lastImpl = "aekit:direct:ci1";
    return true;
  }
  if (fewCoDirect(g)) {
    backwardDataFewCo(g, dy, w, dx);
    lastImpl = "aekit:direct:few-co";
    return true;
  }
  if (fewCiData(g)) {
    backwardDataFewCi(g, dy, w, dx);
    lastImpl = "aekit:direct:few-ci";
    return true;
  }
  Cached &c = getPrim("d" + g.key(), true, [&](Variant &v) {
    const auto make = [&](bool any) { return backwardPd<dnnl::convolution_backward_data>(g, any); };
    makeVariant<dnnl::convolution_backward_data>(v, g, false, make, [](Variant &r, const auto &pd, const ConvMds &m) {
      r.reorderArg(DNNL_ARG_DIFF_DST, true, m.dst, pd.diff_dst_desc());
      r.reorderArg(DNNL_ARG_WEIGHTS, true, m.wei, pd.weights_desc());
      r.reorderArg(DNNL_ARG_DIFF_SRC, false, m.src, pd.diff_src_desc());
    });
  });
  if (!c.ok) return false;
  ConvMds m = mds(g, false);
  // oneDNN's execute takes non-const handles; it only reads dy and w.
  run(c, {{DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), const_cast<float *>(dy))},
          {DNNL_ARG_WEIGHTS, dnnl::memory(m.wei, eng(), const_cast<float *>(w))},
          {DNNL_ARG_DIFF_SRC, dnnl::memory(m.src, eng(), dx)}});
  lastImpl = c.impl();
  return true;
}

// conv2dBackwardData(heap, dy, filter, dx, geometry[17]): dx = the convolution's input gradient
// (also a transposed convolution).
napi_value Conv2dBackwardData(Args &a) {
  const Geo g = readGeo(a, 3);
  float *dy = a.span<float>(0, count(g.n, g.ho, g.wo, g.co));
  float *w = a.span<float>(1, count(g.kh, g.kw, g.ci, g.co));
  float *dx = a.span<float>(2, count(g.n, g.h, g.w, g.ci));
  if (!a.ok()) return a.fail();
  return a.result(backwardData(g, dy, w, dx));
}

// conv2dTranspose(heap, x, filter, bias | -1, y, geometry[17], act, alpha): y = act(convT(x,
// filter) + bias), the transposed convolution (the input gradient of the convolution `geometry`,
// whose output has x's shape [n, ho, wo, co] and whose input has y's [n, h, w, ci]; bias has ci
// values), with bias and activation (a code of addon.activations, leakyrelu's slope alpha)
// applied in one pass over y.
// oneDNN 2.6's backward-data primitive takes no post-ops (its primitive descriptor refuses them).
napi_value Conv2dTranspose(Args &a) {
  const Geo g = readGeo(a, 4);
  float *x = a.span<float>(0, count(g.n, g.ho, g.wo, g.co));
  float *w = a.span<float>(1, count(g.kh, g.kw, g.ci, g.co));
  float *bias = a.optionalSpan<float>(2, g.ci);
  float *y = a.span<float>(3, count(g.n, g.h, g.w, g.ci));
  const int act = a.code(21, kActivations);
  const float alpha = static_cast<float>(a.real(22));
  if (!a.ok()) return a.fail();
  if (!backwardData(g, x, w, y)) return a.result(false);
  biasActivation(y, bias, g.n * g.h * g.w, g.ci, act, alpha);
  return a.result(true);
}

// conv2dBackwardFilter(heap, x, dy, dw, geometry[17]): dw = the filter gradient, HWIO.
napi_value Conv2dBackwardFilter(Args &a) {
  const Geo g = readGeo(a, 3);
  float *x = a.span<float>(0, count(g.n, g.h, g.w, g.ci));
  float *dy = a.span<float>(1, count(g.n, g.ho, g.wo, g.co));
  float *dw = a.span<float>(2, count(g.kh, g.kw, g.ci, g.co));
  if (!a.ok()) return a.fail();
  if (g.ci <= kFewChannels) {
    backwardFilterFew(g, x, dy, dw);
    lastImpl = "aekit:direct:few-ci";
    return a.result(true);
  }
  if (fewCoDirect(g)) {
    backwardFilterFewCo(g, x, dy, dw);
    lastImpl = "aekit:direct:few-co";
    return a.result(true);
  }
  Cached &c = getPrim("w" + g.key(), false, [&](Variant &v) {
    const auto make = [&](bool any) { return backwardPd<dnnl::convolution_backward_weights>(g, any); };
    makeVariant<dnnl::convolution_backward_weights>(v, g, false, make, [](Variant &r, const auto &pd, const ConvMds &m) {
      r.reorderArg(DNNL_ARG_SRC, true, m.src, pd.src_desc());
      r.reorderArg(DNNL_ARG_DIFF_DST, true, m.dst, pd.diff_dst_desc());
      r.reorderArg(DNNL_ARG_DIFF_WEIGHTS, false, m.wei, pd.diff_weights_desc());
    });
  });
  if (!c.ok) return a.result(false);
  ConvMds m = mds(g, false);
  run(c, {{DNNL_ARG_SRC, dnnl::memory(m.src, eng(), x)},
          {DNNL_ARG_DIFF_DST, dnnl::memory(m.dst, eng(), dy)},
          {DNNL_ARG_DIFF_WEIGHTS, dnnl::memory(m.wei, eng(), dw)}});
  lastImpl = c.impl();
  return a.result(true);
}

}  // namespace

const Kernel kConv2dForward{"conv2dForward", "x, filter, bias, y, " AEKIT_CONV_GEOMETRY ", act, alpha", Conv2dForward};
const Kernel kConv2dBackwardData{"conv2dBackwardData", "dy, filter, dx, " AEKIT_CONV_GEOMETRY, Conv2dBackwardData};
const Kernel kConv2dBackwardFilter{"conv2dBackwardFilter", "x, dy, dw, " AEKIT_CONV_GEOMETRY, Conv2dBackwardFilter};
const Kernel kConv2dTranspose{"conv2dTranspose", "x, filter, bias, y, " AEKIT_CONV_GEOMETRY ", act, alpha",
                              Conv2dTranspose};

}  // namespace aekit
