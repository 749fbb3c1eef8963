// 2-D convolutions in tfjs's NHWC / HWIO layout: their geometry, shared by the oneDNN kernels
// (conv.cc) and aekit's direct kernels for one or a few input channels (conv_direct.cc).
#pragma once
#include <cstdio>
#include <string>

namespace aekit {

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

// The names of a geometry's 17 numbers, in the order JavaScript passes them (native.ts's
// `geometry`): batch, input height and width, input channels, output height and width, output
// channels, filter height and width, strides, dilations, paddings top, left, bottom, right.
#define AEKIT_CONV_GEOMETRY "n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr"

// aekit's direct kernels (conv_direct.cc, compiled per instruction set; these, in isa.cc, call
// the chosen set's).
// dx of a convolution with one input channel (also a transposed convolution to one channel).
void backwardDataC1(const Geo &g, const float *dy, const float *w, float *dx);
// Input channels up to which backwardFilterFew computes a filter gradient instead of oneDNN.
constexpr long kFewChannels = 4;
// dw of a convolution with 1 to kFewChannels input channels.
void backwardFilterFew(const Geo &g, const float *x, const float *dy, float *dw);
// dx of a convolution with 2 to kFewChannels input channels, dilation 1 (also a transposed
// convolution to that many channels).
void backwardDataFewCi(const Geo &g, const float *dy, const float *w, float *dx);
// Output channels up to which the direct kernels below may replace oneDNN (conv.cc chooses them
// for the shapes where they measured faster).
constexpr long kFewOutChannels = 4;
// y = conv(x, w) + bias (bias may be null) for 1 to kFewOutChannels output channels, dilation 1.
void forwardFewCo(const Geo &g, const float *x, const float *w, const float *bias, float *y);
// dx of a convolution with 1 to kFewOutChannels output channels.
void backwardDataFewCo(const Geo &g, const float *dy, const float *w, float *dx);
// dw of a convolution with 1 to kFewOutChannels output channels, dilation 1.
void backwardFilterFewCo(const Geo &g, const float *x, const float *dy, float *dw);
// y[r, c] = act(y[r, c] + bias[c]) in place over `rows` rows of `channels` (bias may be null), act
// a code of ops.h's convolution activations (linear, relu, selu, sigmoid, elu, relu6, leaky relu
// with slope alpha; elementwise.cc, compiled per instruction set like the direct kernels;
// conv.cc's forward and transposed convolutions call it).
void biasActivation(float *y, const float *bias, long rows, long channels, int act, float alpha);

}  // namespace aekit
