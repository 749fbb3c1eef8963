// Threads and signals around the kernels: OpenMP parallel thresholds, the signal mask that
// oneDNN's JIT code needs, and the creation of the OpenMP workers.
#pragma once
#include <pthread.h>
#include <signal.h>

namespace aekit {

constexpr long kPar = 32768;  // below this many elements, one thread is faster than two

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

// Creates the OpenMP workers now, with every signal blocked (threads inherit the mask).
void startWorkers();

}  // namespace aekit
