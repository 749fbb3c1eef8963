/*
 * Measured peaks for the bench's roofline (bench/roofline.mjs compiles it with `cc -O2 -fopenmp`):
 *
 * - FP32 FMA throughput: independent chains of vector FMAs (12 × 256-bit for AVX2, 24 × 512-bit for
 *   AVX-512 when the CPU has avx512f), enough chains to hide the FMA latency on every x86 core of
 *   the last decade (latency 4-5 cycles × 2 FMA pipes); on 1 thread and on all OpenMP threads.
 *   FLOPs = iterations × chains × lanes × 2 (an FMA is a multiply and an add).
 * - Memory bandwidth: a STREAM-like triad a[i] = b[i] + s·c[i] on float arrays of 64 MiB each
 *   (far beyond any L3 of this class of machine: DRAM), and on 64 KiB arrays per thread (cache).
 *   Bytes = 3 × 4 × n per pass (two reads and a write, STREAM's convention: no write-allocate
 *   traffic counted).
 *
 * Each figure is the best of 3 (FMA) or 5 (triad) repeats. Prints one JSON object on stdout.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* The chains converge to c / (1 − m) = 1: no overflow, no denormals. */
#define FMA8(op, a, m, c) a = op(a, m, c)

__attribute__((target("avx2,fma"))) static float fma_avx2(long iters) {
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-6f);
  __m256 a0 = _mm256_set1_ps(0.1f), a1 = _mm256_set1_ps(0.2f), a2 = _mm256_set1_ps(0.3f), a3 = _mm256_set1_ps(0.4f);
  __m256 a4 = _mm256_set1_ps(0.5f), a5 = _mm256_set1_ps(0.6f), a6 = _mm256_set1_ps(0.7f), a7 = _mm256_set1_ps(0.8f);
  __m256 a8 = _mm256_set1_ps(0.9f), a9 = _mm256_set1_ps(1.1f), a10 = _mm256_set1_ps(1.2f), a11 = _mm256_set1_ps(1.3f);
  for (long i = 0; i < iters; i++) {
    FMA8(_mm256_fmadd_ps, a0, m, c); FMA8(_mm256_fmadd_ps, a1, m, c); FMA8(_mm256_fmadd_ps, a2, m, c);
    FMA8(_mm256_fmadd_ps, a3, m, c); FMA8(_mm256_fmadd_ps, a4, m, c); FMA8(_mm256_fmadd_ps, a5, m, c);
    FMA8(_mm256_fmadd_ps, a6, m, c); FMA8(_mm256_fmadd_ps, a7, m, c); FMA8(_mm256_fmadd_ps, a8, m, c);
    FMA8(_mm256_fmadd_ps, a9, m, c); FMA8(_mm256_fmadd_ps, a10, m, c); FMA8(_mm256_fmadd_ps, a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}
#define FMA_AVX2_FLOPS_PER_ITER (12.0 * 8 * 2)

__attribute__((target("avx512f"))) static float fma_avx512(long iters) {
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-6f);
  __m512 a[24];
  for (int k = 0; k < 24; k++) a[k] = _mm512_set1_ps(0.05f * (float)(k + 1));
  for (long i = 0; i < iters; i++) {
#pragma GCC unroll 24
    for (int k = 0; k < 24; k++) a[k] = _mm512_fmadd_ps(a[k], m, c);
  }
  __m512 s = a[0];
  for (int k = 1; k < 24; k++) s = _mm512_add_ps(s, a[k]);
  return _mm512_reduce_add_ps(s);
}
#define FMA_AVX512_FLOPS_PER_ITER (24.0 * 16 * 2)

typedef float (*fma_fn)(long);
static volatile float sink;

/* GFLOP/s of `fn` on `threads` threads, best of 3 runs of about 0.25 s each. */
static double fma_gflops(fma_fn fn, double flops_per_iter, int threads) {
  long iters = 1000000;
  for (;;) { /* calibrate on one thread: about 0.25 s a run */
    double t = omp_get_wtime();
    sink = fn(iters);
    t = omp_get_wtime() - t;
    if (t > 0.05) {
      iters = (long)(iters * 0.25 / t) + 1;
      break;
    }
    iters *= 4;
  }
  double best = 0;
  for (int r = 0; r < 3; r++) {
    double t = omp_get_wtime();
    float acc = 0;
#pragma omp parallel num_threads(threads) reduction(+ : acc)
    acc += fn(iters);
    t = omp_get_wtime() - t;
    sink = acc;
    double g = flops_per_iter * (double)iters * threads / t / 1e9;
    if (g > best) best = g;
  }
  return best;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) static void triad_range(float *restrict a, const float *restrict b,
                                                                                      const float *restrict c, float s, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* GB/s of the triad over arrays of n floats shared by `threads` threads (static split), best of 5. */
static double triad_dram(long n, int threads) {
  float *a = aligned_alloc(64, n * sizeof(float)), *b = aligned_alloc(64, n * sizeof(float)), *c = aligned_alloc(64, n * sizeof(float));
  if (!a || !b || !c) return -1;
  double best = 0;
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num(), nt = omp_get_num_threads();
    long lo = n * t / nt, hi = n * (t + 1) / nt;
    for (long i = lo; i < hi; i++) a[i] = 0, b[i] = 1, c[i] = 2; /* first touch by the thread that uses the page */
  }
  for (int r = 0; r < 5; r++) {
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads)
    {
      int t = omp_get_thread_num(), nt = omp_get_num_threads();
      long lo = n * t / nt, hi = n * (t + 1) / nt;
      triad_range(a + lo, b + lo, c + lo, 3.0f, hi - lo);
    }
    double dt = omp_get_wtime() - t0;
    double g = 12.0 * (double)n / dt / 1e9;
    if (g > best) best = g;
  }
  sink = a[n / 2];
  free(a), free(b), free(c);
  return best;
}

/* GB/s of the triad on private arrays of n floats per thread, repeated in cache, best of 5. */
static double triad_cache(long n, long reps, int threads) {
  double best = 0;
  for (int r = 0; r < 5; r++) {
    double dt = 0;
#pragma omp parallel num_threads(threads) reduction(max : dt)
    {
      float *a = aligned_alloc(64, n * sizeof(float)), *b = aligned_alloc(64, n * sizeof(float)), *c = aligned_alloc(64, n * sizeof(float));
      for (long i = 0; i < n; i++) a[i] = 0, b[i] = 1, c[i] = 2;
      triad_range(a, b, c, 3.0f, n); /* warm the cache */
#pragma omp barrier
      double t0 = omp_get_wtime();
      for (long k = 0; k < reps; k++) {
        triad_range(a, b, c, 3.0f, n);
        __asm__ volatile("" ::: "memory"); /* keep every pass */
      }
      dt = omp_get_wtime() - t0;
      sink = a[n / 2];
      free(a), free(b), free(c);
    }
    double g = 12.0 * (double)n * reps * threads / dt / 1e9;
    if (g > best) best = g;
  }
  return best;
}

int main(void) {
  int all = omp_get_max_threads();
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  int avx512 = __builtin_cpu_supports("avx512f");
  printf("{\"threads\": %d", all);
  if (avx2)
    printf(", \"avx2\": {\"gflops1\": %.2f, \"gflopsAll\": %.2f}", fma_gflops(fma_avx2, FMA_AVX2_FLOPS_PER_ITER, 1),
           fma_gflops(fma_avx2, FMA_AVX2_FLOPS_PER_ITER, all));
  else
    printf(", \"avx2\": null");
  if (avx512)
    printf(", \"avx512\": {\"gflops1\": %.2f, \"gflopsAll\": %.2f}", fma_gflops(fma_avx512, FMA_AVX512_FLOPS_PER_ITER, 1),
           fma_gflops(fma_avx512, FMA_AVX512_FLOPS_PER_ITER, all));
  else
    printf(", \"avx512\": null");
  const long big = 16L << 20, small = 16L << 10; /* 64 MiB and 64 KiB per array */
  printf(", \"triadDram\": {\"arrayMiB\": 64, \"gbps1\": %.2f, \"gbpsAll\": %.2f}", triad_dram(big, 1), triad_dram(big, all));
  printf(", \"triadCache\": {\"arrayKiB\": 64, \"gbps1\": %.2f, \"gbpsAll\": %.2f}}\n", triad_cache(small, 2000, 1),
         triad_cache(small, 2000, all));
  return 0;
}
