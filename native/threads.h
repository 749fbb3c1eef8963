// Threads and signals around the kernels: OpenMP parallel thresholds, the signal mask that
// oneDNN's JIT code needs, OpenMP thread counts that are restored however a scope ends, and the
// creation of the OpenMP workers.
#pragma once
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include <stdexcept>

namespace aekit {

constexpr long kPar = 32768;  // below this many elements, one thread is faster than two

// Signals. oneDNN 2.6's JIT GEMM (used by its NHWC convolutions) is not async-signal-safe: a
// signal handled on a thread while it runs corrupts the heap (seen with Node's --cpu-prof, whose
// SIGPROF samples the main thread; reproduced in plain C++ with setitimer). So signals are
// blocked on the calling thread while a convolution runs (they arrive right after), and the
// OpenMP worker threads are created with every signal blocked (see startWorkers).
struct SignalBlock {
  sigset_t old;
  // Throws std::runtime_error if the mask cannot be set (the kernel must not run unprotected).
  SignalBlock() {
    sigset_t all;
    if (sigfillset(&all) != 0 || pthread_sigmask(SIG_BLOCK, &all, &old) != 0)
      throw std::runtime_error("could not block signals around oneDNN (pthread_sigmask failed)");
  }
  // Restoring the mask pthread_sigmask returned cannot fail (its only error is a bad `how`).
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old, nullptr); }
  SignalBlock(const SignalBlock &) = delete;
  SignalBlock &operator=(const SignalBlock &) = delete;
};

// Sets OpenMP's thread count to `n` for a scope, and back when the scope ends (also by an
// exception); does nothing when the count is `n` already.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : old_(omp_get_max_threads()) {
    if (n != old_) omp_set_num_threads(n);
    changed_ = n != old_;
  }
  ~ScopedThreads() {
    if (changed_) omp_set_num_threads(old_);
  }
  ScopedThreads(const ScopedThreads &) = delete;
  ScopedThreads &operator=(const ScopedThreads &) = delete;

 private:
  int old_;
  bool changed_;
};

// Creates the OpenMP workers now, with every signal blocked (threads inherit the mask).
void startWorkers();

}  // namespace aekit
