// The table of one kernel set: compiled with the other kernels of core/ops once per set, with
// PLATEAU_KERNEL_SET_NAME ("avx512") and PLATEAU_KERNEL_TABLE (plateau_kernels_avx512) defined by
// core/CMakeLists.txt. The functions named here are this set's own copies (kernels.h).
#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/conv2d_one_channel.h"
#include "plateau/core/ops/crossentropy.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/gemm_bf16.h"
#include "plateau/core/ops/gemm_f32.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/ops/softmax.h"

namespace {

using namespace plateau::ops;

const KernelTable kTable{
    .name = PLATEAU_KERNEL_SET_NAME,
    .relu_forward = relu_forward,
    .relu_backward = relu_backward,
    .sigmoid_forward = sigmoid_forward,
    .sigmoid_backward = sigmoid_backward,
    .tanh_forward = tanh_forward,
    .tanh_backward = tanh_backward,
    .batch_norm_forward_train = batch_norm_forward_train,
    .batch_norm_backward_train = batch_norm_backward_train,
    .batch_norm_forward_infer = batch_norm_forward_infer,
    .batch_norm_backward_infer = batch_norm_backward_infer,
    .batch_norm_max_pool2d_forward_train = batch_norm_max_pool2d_forward_train,
    .batch_norm_max_pool2d_backward_train = batch_norm_max_pool2d_backward_train,
    .batch_norm_max_pool2d_forward_infer = batch_norm_max_pool2d_forward_infer,
    .batch_norm_max_pool2d_backward_infer = batch_norm_max_pool2d_backward_infer,
    .conv2d_batch_norm_max_pool2d_applies = conv2d_batch_norm_max_pool2d_applies,
    .conv2d_batch_norm_max_pool2d_forward_train = conv2d_batch_norm_max_pool2d_forward_train,
    .conv2d_batch_norm_max_pool2d_backward_train = conv2d_batch_norm_max_pool2d_backward_train,
    .conv2d_batch_norm_max_pool2d_forward_infer = conv2d_batch_norm_max_pool2d_forward_infer,
    .conv2d_forward = conv2d_forward,
    .conv2d_backward = conv2d_backward,
    .one_channel_direct = direct::one_channel_direct,
    .direct_forward = direct::forward,
    .direct_backward_weights = direct::backward_weights,
    .crossentropy_from_probs_forward = crossentropy_from_probs_forward,
    .crossentropy_from_probs_backward = crossentropy_from_probs_backward,
    .dropout_forward = dropout_forward,
    .dropout_backward = dropout_backward,
    .add_forward = add_forward,
    .mul_forward = mul_forward,
    .scale = scale,
    .sum_forward = sum_forward,
    .mean_forward = mean_forward,
    .fill_like = fill_like,
    .mse_forward = mse_forward,
    .mse_backward = mse_backward,
    .matmul_forward = matmul_forward,
    .matmul_backward = matmul_backward,
    .linear_forward = linear_forward,
    .linear_backward = linear_backward,
    .measure_sgemm_gflops = measure_sgemm_gflops,
    .bfloat16_on_amx = gemm_bf16_uses_amx,
    .float32_sums_in_order = gemm_f32_sums_in_order,
    .max_pool2d_forward = max_pool2d_forward,
    .max_pool2d_backward = max_pool2d_backward,
    .keras_adam_update = keras_adam_update,
    .softmax_forward = softmax_forward,
    .softmax_backward = softmax_backward,
    .log_softmax_forward = log_softmax_forward,
    .log_softmax_backward = log_softmax_backward,
    .softmax_cross_entropy_forward = softmax_cross_entropy_forward,
    .softmax_cross_entropy_backward = softmax_cross_entropy_backward,
    .sparse_softmax_cross_entropy_forward = sparse_softmax_cross_entropy_forward,
    .sparse_softmax_cross_entropy_backward = sparse_softmax_cross_entropy_backward,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const KernelTable* PLATEAU_KERNEL_TABLE() { return &kTable; }
