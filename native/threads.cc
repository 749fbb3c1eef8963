#include "threads.h"

#include <omp.h>

namespace aekit {

void startWorkers() {
  SignalBlock guard;
  int sink = 0;
#pragma omp parallel reduction(+ : sink)
  sink += omp_get_thread_num();
  (void)sink;
}

}  // namespace aekit
