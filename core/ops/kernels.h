#pragma once
// The kernel sets: every kernel of core/ops is compiled once per instruction set — generic (x86-64-v2),
// avx2 (x86-64-v3) and avx512 (x86-64-v4), or once for this machine in a native build — and the public
// functions of core/ops (conv2d_forward, …) call the set chosen at the first call: PLATEAU_ISA when it
// is set (generic, avx2, avx512; an error if this CPU lacks it), else the best this CPU runs. So one
// binary runs on any x86-64-v2 CPU and uses AVX-512 where there is one.
//
// Each set is its own partial link with its symbols made local (core/CMakeLists.txt), so that the
// templates every set instantiates (Eigen's GEMM among them) stay apart: the linker cannot merge an
// AVX-512 copy into the generic set. Only its table getter, plateau_kernels_<set>(), is global.
// Results are bit-identical for one set at any thread count; across sets they differ in the last bits
// (different vector widths sum in different orders).

#include <cstdint>
#include <vector>

#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/batch_norm_max_pool2d.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "plateau/core/ops/dropout.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/ops/optimizer_update.h"
#include "plateau/core/ops/softmax_cross_entropy.h"

namespace plateau::ops {

struct KernelTable {
  const char* name;  // "generic", "avx2", "avx512", "native"
  // activations.h
  Tensor (*relu_forward)(const Tensor&);
  Tensor (*relu_backward)(const Tensor&, const Tensor&);
  Tensor (*sigmoid_forward)(const Tensor&);
  Tensor (*sigmoid_backward)(const Tensor&, const Tensor&);
  Tensor (*tanh_forward)(const Tensor&);
  Tensor (*tanh_backward)(const Tensor&, const Tensor&);
  // batch_norm.h
  BatchNormResult (*batch_norm_forward_train)(const Tensor&, const Tensor&, const Tensor&, double);
  BatchNormGrads (*batch_norm_backward_train)(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                              const Tensor&, const Tensor&);
  Tensor (*batch_norm_forward_infer)(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, double);
  BatchNormGrads (*batch_norm_backward_infer)(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                              const Tensor&, const Tensor&, double);
  // batch_norm_max_pool2d.h
  BatchNormMaxPoolResult (*batch_norm_max_pool2d_forward_train)(const Tensor&, const Tensor&, const Tensor&, double,
                                                                const MaxPool2dParams&);
  BatchNormGrads (*batch_norm_max_pool2d_backward_train)(const Tensor&, const Argmax&, const Tensor&,
                                                         const Tensor&, const Tensor&, const Tensor&, const Tensor&);
  BatchNormMaxPoolResult (*batch_norm_max_pool2d_forward_infer)(const Tensor&, const Tensor&, const Tensor&,
                                                                const Tensor&, const Tensor&, double,
                                                                const MaxPool2dParams&);
  BatchNormGrads (*batch_norm_max_pool2d_backward_infer)(const Tensor&, const Argmax&, const Tensor&,
                                                         const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                                         double);
  // conv2d_batch_norm_max_pool2d.h
  bool (*conv2d_batch_norm_max_pool2d_applies)(const Shape&, const Shape&, const Conv2dParams&,
                                               const MaxPool2dParams&);
  ConvBatchNormMaxPoolResult (*conv2d_batch_norm_max_pool2d_forward_train)(const Tensor&, const ConvBatchNormPool&);
  ConvBatchNormGrads (*conv2d_batch_norm_max_pool2d_backward_train)(const Tensor&, const Tensor&,
                                                                    const ConvBatchNormPool&,
                                                                    const ConvBatchNormMaxPoolResult&);
  Tensor (*conv2d_batch_norm_max_pool2d_forward_infer)(const Tensor&, const ConvBatchNormPool&, const Tensor&,
                                                       const Tensor&);
  // conv2d.h, conv2d_one_channel.h
  Tensor (*conv2d_forward)(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&, bool);
  Conv2dGrads (*conv2d_backward)(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&, bool, bool,
                                 const Tensor*);
  bool (*one_channel_direct)(int64_t, int64_t, int64_t, int, int, bool);
  void (*direct_forward)(const float*, const float*, const float*, bool, bool, int64_t, int64_t, int64_t, int64_t,
                         int64_t, int64_t, float*);
  void (*direct_backward_weights)(const float*, const float*, const float*, bool, int64_t, int64_t, int64_t, int64_t,
                                  int64_t, int64_t, int64_t, float*, float*);
  // crossentropy.h
  Tensor (*crossentropy_from_probs_forward)(const Tensor&, const Tensor&);
  Tensor (*crossentropy_from_probs_backward)(float, const Tensor&, const Tensor&);
  // dropout.h
  DropoutResult (*dropout_forward)(const Tensor&, double, Rng&);
  Tensor (*dropout_backward)(const Tensor&, const Tensor&);
  // elementwise.h
  Tensor (*add_forward)(const Tensor&, const Tensor&);
  Tensor (*mul_forward)(const Tensor&, const Tensor&);
  Tensor (*scale)(const Tensor&, float);
  Tensor (*sum_forward)(const Tensor&);
  Tensor (*mean_forward)(const Tensor&);
  Tensor (*fill_like)(const Shape&, float);
  Tensor (*mse_forward)(const Tensor&, const Tensor&);
  Tensor (*mse_backward)(float, const Tensor&, const Tensor&);
  // matmul.h
  Tensor (*matmul_forward)(const Tensor&, const Tensor&);
  MatmulGrads (*matmul_backward)(const Tensor&, const Tensor&, const Tensor&);
  Tensor (*linear_forward)(const Tensor&, const Tensor&, const Tensor&, ComputeType);
  LinearGrads (*linear_backward)(const Tensor&, const Tensor&, const Tensor&, bool, ComputeType);
  double (*measure_sgemm_gflops)();
  bool (*bfloat16_on_amx)();  // gemm_bf16.h: whether the mixed_bfloat16 products run on AMX
  bool (*float32_sums_in_order)();  // gemm_f32.h: whether each float32 convolution sum runs in order of k
  // max_pool2d.h
  MaxPool2dResult (*max_pool2d_forward)(const Tensor&, const MaxPool2dParams&);
  Tensor (*max_pool2d_backward)(const Tensor&, const Argmax&, const Shape&);
  // optimizer_update.h
  void (*keras_adam_update)(const KerasAdamStep&, int64_t, float*, const float*, float*, float*, float*);
  // softmax.h
  Tensor (*softmax_forward)(const Tensor&);
  Tensor (*softmax_backward)(const Tensor&, const Tensor&);
  Tensor (*log_softmax_forward)(const Tensor&);
  Tensor (*log_softmax_backward)(const Tensor&, const Tensor&);
  // softmax_cross_entropy.h
  SoftmaxCrossEntropyResult (*softmax_cross_entropy_forward)(const Tensor&, const Tensor&);
  Tensor (*softmax_cross_entropy_backward)(float, const Tensor&, const Tensor&);
  SoftmaxCrossEntropyResult (*sparse_softmax_cross_entropy_forward)(const Tensor&, const std::vector<int32_t>&);
  Tensor (*sparse_softmax_cross_entropy_backward)(float, const Tensor&, const std::vector<int32_t>&);
};

// The set in use (chosen at the first call), and its name for --version and run.json.
const KernelTable& kernels();
const char* kernel_set();
// Whether the set in use runs the mixed_bfloat16 policy's products on AMX (else on the float32 GEMM).
bool bfloat16_on_amx();
// The sets this build has, and whether this CPU can run each: for tests that run every one.
std::vector<const char*> kernel_sets();
bool cpu_runs(const char* set);
// The table of one set of this build, whichever is in use (for tests that compare the sets); an Error
// when the build has no such set or this CPU cannot run it.
const KernelTable& kernel_table(const char* set);

}  // namespace plateau::ops
