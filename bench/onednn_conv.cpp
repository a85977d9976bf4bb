// oneDNN's own convolution primitives on the ConvLSTM's layer-2 shape (4 x 64 x 64 cells, 64 channels in, 128 out,
// 3x3, NHWC), created once with weights reordered once: forward, backward data and backward weights (with the bias),
// in float and in bfloat16 (AMX where the CPU has it). Prints one JSON line per precision. Not part of the build: it
// measures the kernels without the JVM, against `gridcast bench kernels`. Every buffer holds random values: left as
// untouched (zero) memory, the same kernels had looked 20-30% faster.
//
//   mvn -q dependency:get -Dartifact=org.bytedeco:dnnl:2.5.2-1.5.7:jar:linux-x86_64
//   mkdir -p /tmp/dnnl && unzip -q -o -d /tmp/dnnl ~/.m2/repository/org/bytedeco/dnnl/2.5.2-1.5.7/dnnl-2.5.2-1.5.7-linux-x86_64.jar 'org/*'
//   d=/tmp/dnnl/org/bytedeco/dnnl/linux-x86_64
//   g++ -O2 -std=c++17 -I $d/include bench/onednn_conv.cpp -L $d -l:libdnnl.so.2 -Wl,-rpath,$d -o /tmp/onednn_conv
//   OMP_NUM_THREADS=2 /tmp/onednn_conv
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <functional>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

// Random values in [-0.5, 0.5): floats, or bfloat16 as a float's upper 16 bits.
static void fill(memory& m) {
    size_t bytes = m.get_desc().get_size();
    if (m.get_desc().data_type() == dt::bf16) {
        auto* v = static_cast<uint16_t*>(m.get_data_handle());
        for (size_t i = 0; i < bytes / 2; i++) {
            float f = rand() / (RAND_MAX + 1.0f) - 0.5f;
            uint32_t bits;
            std::memcpy(&bits, &f, 4);
            v[i] = static_cast<uint16_t>(bits >> 16);
        }
    } else {
        auto* v = static_cast<float*>(m.get_data_handle());
        for (size_t i = 0; i < bytes / 4; i++) v[i] = rand() / (RAND_MAX + 1.0f) - 0.5f;
    }
}

static double median_ms(const std::function<void()>& call, int reps) {
    for (int i = 0; i < 3; i++) call();
    std::vector<double> t;
    for (int i = 0; i < reps; i++) {
        auto start = std::chrono::steady_clock::now();
        call();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

int main() {
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    const memory::dim N = 4, IC = 64, OC = 128, H = 64, W = 64, K = 3;
    const double gflop = 2.0 * N * H * W * OC * IC * K * K / 1e9;
    for (bool bf16 : {false, true}) {
        // bfloat16 inputs and weights; outputs and weight gradients in float, as mixed-precision training keeps them.
        dt in = bf16 ? dt::bf16 : dt::f32;
        memory::desc src({N, IC, H, W}, in, tag::nhwc), dst({N, OC, H, W}, dt::f32, tag::nhwc);
        memory::desc diff_src({N, IC, H, W}, dt::f32, tag::nhwc), diff_dst({N, OC, H, W}, in, tag::nhwc);
        memory::desc weights({OC, IC, K, K}, in, tag::any), diff_weights({OC, IC, K, K}, dt::f32, tag::any);
        memory::desc bias({OC}, dt::f32, tag::a);
        memory::dims stride{1, 1}, pad{1, 1};
        auto fwd = convolution_forward::primitive_desc(convolution_forward::desc(prop_kind::forward_training,
                algorithm::convolution_direct, src, weights, bias, dst, stride, pad, pad), eng);
        auto bwd_data = convolution_backward_data::primitive_desc(convolution_backward_data::desc(
                algorithm::convolution_direct, diff_src, weights, diff_dst, stride, pad, pad), eng, fwd);
        auto bwd_weights = convolution_backward_weights::primitive_desc(convolution_backward_weights::desc(
                algorithm::convolution_direct, src, diff_weights, bias, diff_dst, stride, pad, pad), eng, fwd);
        memory x(src, eng), w(fwd.weights_desc(), eng), b(bias, eng), y(dst, eng), dx(diff_src, eng),
                dy(diff_dst, eng), dw(bwd_weights.diff_weights_desc(), eng), db(bias, eng),
                wd(bwd_data.weights_desc(), eng);
        for (memory* m : {&x, &w, &b, &y, &dx, &dy, &dw, &db, &wd}) fill(*m);
        convolution_forward f(fwd);
        convolution_backward_data bd(bwd_data);
        convolution_backward_weights bw(bwd_weights);
        int reps = 20;
        double tf = median_ms([&] {
            f.execute(s, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}});
            s.wait();
        }, reps);
        double td = median_ms([&] {
            bd.execute(s, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, wd}, {DNNL_ARG_DIFF_SRC, dx}});
            s.wait();
        }, reps);
        double tw = median_ms([&] {
            bw.execute(s, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw},
                           {DNNL_ARG_DIFF_BIAS, db}});
            s.wait();
        }, reps);
        printf("{\"bench\":\"onednn-conv\",\"dtype\":\"%s\",\"gflop\":%.4f,\"forward_ms\":%.2f,\"forward_gflops\":%.0f,"
               "\"backward_data_ms\":%.2f,\"backward_data_gflops\":%.0f,\"backward_weights_ms\":%.2f,"
               "\"backward_weights_gflops\":%.0f,\"impl\":\"%s | %s | %s\"}\n",
               bf16 ? "bf16" : "f32", gflop, tf, gflop / tf * 1e3, td, gflop / td * 1e3, tw, gflop / tw * 1e3,
               fwd.impl_info_str(), bwd_data.impl_info_str(), bwd_weights.impl_info_str());
    }
}
