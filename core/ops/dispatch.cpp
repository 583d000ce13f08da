// The public functions of core/ops: each calls the kernel set chosen at the first call (kernels.h).
#include <cstdlib>
#include <string>

#include "plateau/core/error.h"
#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/conv2d_one_channel.h"
#include "plateau/core/ops/crossentropy.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/ops/softmax.h"

// The sets this build has (core/CMakeLists.txt compiles either the three portable ones or one native one).
#ifdef PLATEAU_PORTABLE_KERNELS
extern "C" const plateau::ops::KernelTable* plateau_kernels_generic();
extern "C" const plateau::ops::KernelTable* plateau_kernels_avx2();
extern "C" const plateau::ops::KernelTable* plateau_kernels_avx512();
#else
extern "C" const plateau::ops::KernelTable* plateau_kernels_native();
#endif

namespace plateau::ops {
namespace {

struct KernelSet {
  const char* name;
  const KernelTable* (*table)();
};

#ifdef PLATEAU_PORTABLE_KERNELS
const KernelSet kSets[] = {{"avx512", plateau_kernels_avx512}, {"avx2", plateau_kernels_avx2},
                           {"generic", plateau_kernels_generic}};  // best first
#else
const KernelSet kSets[] = {{"native", plateau_kernels_native}};
#endif

// The set of this build named `name`, or null.
const KernelSet* find_set(const std::string& name) {
  for (const KernelSet& s : kSets)
    if (name == s.name) return &s;
  return nullptr;
}

const KernelTable* choose() {
  const char* forced = std::getenv("PLATEAU_ISA");
  if (forced && *forced) {
    const KernelSet* s = find_set(forced);
    if (s == nullptr) {
      const std::vector<const char*> sets = kernel_sets();
      throw Error(cat("PLATEAU_ISA=", printable(forced), " names no kernel set of this build (",
                      join(std::vector<std::string>(sets.begin(), sets.end())), ")"));
    }
    PLATEAU_CHECK(cpu_runs(s->name), "PLATEAU_ISA=", forced, ", but this CPU cannot run the ", forced, " kernels");
    return s->table();
  }
  for (const KernelSet& s : kSets)
    if (cpu_runs(s.name)) return s.table();
  throw Error("this CPU runs none of plateau's kernel sets (x86-64-v2 at least)");
}

}  // namespace

bool cpu_runs(const char* set) {
  __builtin_cpu_init();
  const std::string s = set;
  // x86-64-v2, v3 and v4 as the psABI defines them.
  const bool v2 = __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
  const bool v3 = v2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("avx");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                  __builtin_cpu_supports("avx512vl");
  if (s == "avx512") return v4;
  if (s == "avx2") return v3;
  if (s == "generic") return v2;
  return s == "native";  // built for this machine
}

std::vector<const char*> kernel_sets() {
  std::vector<const char*> names;
  for (const KernelSet& s : kSets) names.push_back(s.name);
  return names;
}

const KernelTable& kernels() {
  static const KernelTable* const table = choose();
  return *table;
}

const char* kernel_set() { return kernels().name; }

bool bfloat16_on_amx() { return kernels().bfloat16_on_amx(); }

const KernelTable& kernel_table(const char* set) {
  const KernelSet* s = find_set(set);
  PLATEAU_CHECK(s != nullptr, "this build has no kernel set ", printable(set));
  PLATEAU_CHECK(cpu_runs(s->name), "this CPU cannot run the ", set, " kernels");
  return *s->table();
}

// activations.h
Tensor relu_forward(const Tensor& x) { return kernels().relu_forward(x); }
Tensor relu_backward(const Tensor& dy, const Tensor& y) { return kernels().relu_backward(dy, y); }
Tensor sigmoid_forward(const Tensor& x) { return kernels().sigmoid_forward(x); }
Tensor sigmoid_backward(const Tensor& dy, const Tensor& y) { return kernels().sigmoid_backward(dy, y); }
Tensor tanh_forward(const Tensor& x) { return kernels().tanh_forward(x); }
Tensor tanh_backward(const Tensor& dy, const Tensor& y) { return kernels().tanh_backward(dy, y); }

// batch_norm.h
BatchNormResult batch_norm_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  return kernels().batch_norm_forward_train(x, gamma, beta, eps);
}
BatchNormGrads batch_norm_backward_train(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& mean, const Tensor& invstd) {
  return kernels().batch_norm_backward_train(dy, x, gamma, beta, mean, invstd);
}
Tensor batch_norm_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                const Tensor& running_var, double eps) {
  return kernels().batch_norm_forward_infer(x, gamma, beta, running_mean, running_var, eps);
}
BatchNormGrads batch_norm_backward_infer(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps) {
  return kernels().batch_norm_backward_infer(dy, x, gamma, beta, running_mean, running_var, eps);
}

// batch_norm_max_pool2d.h
BatchNormMaxPoolResult batch_norm_max_pool2d_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           double eps, const MaxPool2dParams& p) {
  return kernels().batch_norm_max_pool2d_forward_train(x, gamma, beta, eps, p);
}
BatchNormGrads batch_norm_max_pool2d_backward_train(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& mean, const Tensor& invstd) {
  return kernels().batch_norm_max_pool2d_backward_train(dy, argmax, x, gamma, beta, mean, invstd);
}
BatchNormMaxPoolResult batch_norm_max_pool2d_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           const Tensor& running_mean, const Tensor& running_var,
                                                           double eps, const MaxPool2dParams& p) {
  return kernels().batch_norm_max_pool2d_forward_infer(x, gamma, beta, running_mean, running_var, eps, p);
}
BatchNormGrads batch_norm_max_pool2d_backward_infer(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& running_mean, const Tensor& running_var,
                                                    double eps) {
  return kernels().batch_norm_max_pool2d_backward_infer(dy, argmax, x, gamma, beta, running_mean, running_var, eps);
}

// conv2d_batch_norm_max_pool2d.h
bool conv2d_batch_norm_max_pool2d_applies(const Shape& x, const Shape& w, const Conv2dParams& conv,
                                          const MaxPool2dParams& pool) {
  return kernels().conv2d_batch_norm_max_pool2d_applies(x, w, conv, pool);
}
ConvBatchNormMaxPoolResult conv2d_batch_norm_max_pool2d_forward_train(const Tensor& x, const ConvBatchNormPool& f) {
  return kernels().conv2d_batch_norm_max_pool2d_forward_train(x, f);
}
ConvBatchNormGrads conv2d_batch_norm_max_pool2d_backward_train(const Tensor& dy, const Tensor& x,
                                                               const ConvBatchNormPool& f,
                                                               const ConvBatchNormMaxPoolResult& saved) {
  return kernels().conv2d_batch_norm_max_pool2d_backward_train(dy, x, f, saved);
}
Tensor conv2d_batch_norm_max_pool2d_forward_infer(const Tensor& x, const ConvBatchNormPool& f,
                                                  const Tensor& running_mean, const Tensor& running_var) {
  return kernels().conv2d_batch_norm_max_pool2d_forward_infer(x, f, running_mean, running_var);
}

// conv2d.h, conv2d_one_channel.h
Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p, bool relu) {
  return kernels().conv2d_forward(x, w, b, p, relu);
}
Conv2dGrads conv2d_backward(const Tensor& dy, const Tensor& x, const Tensor& w, const Conv2dParams& p, bool has_bias,
                            bool need_dx, const Tensor* relu_output) {
  return kernels().conv2d_backward(dy, x, w, p, has_bias, need_dx, relu_output);
}
namespace direct {
bool one_channel_direct(int64_t C, int64_t R, int64_t S, int stride_h, int stride_w, bool padded) {
  return kernels().one_channel_direct(C, R, S, stride_h, stride_w, padded);
}
void forward(const float* x, const float* w, const float* b, bool relu, bool bf16, int64_t N, int64_t H, int64_t W,
             int64_t K, int64_t R, int64_t S, float* y) {
  kernels().direct_forward(x, w, b, relu, bf16, N, H, W, K, R, S, y);
}
void backward_weights(const float* dy, const float* x, const float* relu_y, bool bf16, int64_t n0, int64_t n1,
                      int64_t H, int64_t W, int64_t K, int64_t R, int64_t S, float* dw, float* db) {
  kernels().direct_backward_weights(dy, x, relu_y, bf16, n0, n1, H, W, K, R, S, dw, db);
}
}  // namespace direct

// crossentropy.h
Tensor crossentropy_from_probs_forward(const Tensor& probs, const Tensor& target) {
  return kernels().crossentropy_from_probs_forward(probs, target);
}
Tensor crossentropy_from_probs_backward(float dloss, const Tensor& probs, const Tensor& target) {
  return kernels().crossentropy_from_probs_backward(dloss, probs, target);
}

// dropout.h
DropoutResult dropout_forward(const Tensor& x, double rate, Rng& rng) { return kernels().dropout_forward(x, rate, rng); }
Tensor dropout_backward(const Tensor& dy, const Tensor& mask) { return kernels().dropout_backward(dy, mask); }

// elementwise.h
Tensor add_forward(const Tensor& a, const Tensor& b) { return kernels().add_forward(a, b); }
Tensor mul_forward(const Tensor& a, const Tensor& b) { return kernels().mul_forward(a, b); }
Tensor scale(const Tensor& a, float s) { return kernels().scale(a, s); }
Tensor sum_forward(const Tensor& x) { return kernels().sum_forward(x); }
Tensor mean_forward(const Tensor& x) { return kernels().mean_forward(x); }
Tensor fill_like(const Shape& shape, float value) { return kernels().fill_like(shape, value); }
Tensor mse_forward(const Tensor& a, const Tensor& b) { return kernels().mse_forward(a, b); }
Tensor mse_backward(float dloss, const Tensor& a, const Tensor& b) { return kernels().mse_backward(dloss, a, b); }

// matmul.h
Tensor matmul_forward(const Tensor& a, const Tensor& b) { return kernels().matmul_forward(a, b); }
MatmulGrads matmul_backward(const Tensor& dy, const Tensor& a, const Tensor& b) {
  return kernels().matmul_backward(dy, a, b);
}
Tensor linear_forward(const Tensor& x, const Tensor& w, const Tensor& b, ComputeType compute) {
  return kernels().linear_forward(x, w, b, compute);
}
LinearGrads linear_backward(const Tensor& dy, const Tensor& x, const Tensor& w, bool has_bias, ComputeType compute) {
  return kernels().linear_backward(dy, x, w, has_bias, compute);
}
double measure_sgemm_gflops() { return kernels().measure_sgemm_gflops(); }

// max_pool2d.h
MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p) {
  return kernels().max_pool2d_forward(x, p);
}
Tensor max_pool2d_backward(const Tensor& dy, const Argmax& argmax, const Shape& x_shape) {
  return kernels().max_pool2d_backward(dy, argmax, x_shape);
}

// optimizer_update.h
void keras_adam_update(const KerasAdamStep& step, int64_t n, float* w, const float* g, float* m, float* v,
                       float* v_hat) {
  kernels().keras_adam_update(step, n, w, g, m, v, v_hat);
}

// softmax.h
Tensor softmax_forward(const Tensor& x) { return kernels().softmax_forward(x); }
Tensor softmax_backward(const Tensor& dy, const Tensor& y) { return kernels().softmax_backward(dy, y); }
Tensor log_softmax_forward(const Tensor& x) { return kernels().log_softmax_forward(x); }
Tensor log_softmax_backward(const Tensor& dy, const Tensor& y) { return kernels().log_softmax_backward(dy, y); }

// softmax_cross_entropy.h
SoftmaxCrossEntropyResult softmax_cross_entropy_forward(const Tensor& logits, const Tensor& target) {
  return kernels().softmax_cross_entropy_forward(logits, target);
}
Tensor softmax_cross_entropy_backward(float dloss, const Tensor& probs, const Tensor& target) {
  return kernels().softmax_cross_entropy_backward(dloss, probs, target);
}
SoftmaxCrossEntropyResult sparse_softmax_cross_entropy_forward(const Tensor& logits, const std::vector<int32_t>& labels) {
  return kernels().sparse_softmax_cross_entropy_forward(logits, labels);
}
Tensor sparse_softmax_cross_entropy_backward(float dloss, const Tensor& probs, const std::vector<int32_t>& labels) {
  return kernels().sparse_softmax_cross_entropy_backward(dloss, probs, labels);
}

}  // namespace plateau::ops
