// cpu/jit_worker.cpp: see jit_worker.h.
#include "cpu/jit_worker.h"

#include <sched.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older headers lack it
#endif

namespace rvh {

bool JitWorker::worthwhile() {
  static const bool two_cpus = [] {
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 2;
  }();
  return two_cpus;
}

JitWorker::JitWorker(BlockJit& jit) : jit_(jit), helper_(&JitWorker::helper_main, this) {}

JitWorker::~JitWorker() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
    requests_.clear();
  }
  wake_.notify_all();
  helper_.join();
}

void JitWorker::request(const void* block, uint64_t pc, const char* who) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    requests_.push_back(Request{block, pc, who});
  }
  wake_.notify_one();
}

void JitWorker::prefault(void* start, size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    prefaults_.emplace_back(start, bytes);
  }
  wake_.notify_one();
}

void JitWorker::take_results(std::vector<Done>& out) {
  out.clear();
  std::lock_guard<std::mutex> lock(queue_mutex_);
  out.swap(done_);
  ready_.store(false, std::memory_order_relaxed);
}

void JitWorker::reset() {
  std::lock_guard<std::mutex> translating(jit_mutex_);  // the translation under way ends first
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    requests_.clear();
    done_.clear();
    ready_.store(false, std::memory_order_relaxed);
    ++generation_;
  }
  jit_.reset();
}

void JitWorker::wait_idle() {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  idle_.wait(lock, [this] { return requests_.empty() && !busy_; });
}

size_t JitWorker::bytes_used() {
  std::lock_guard<std::mutex> translating(jit_mutex_);
  return jit_.bytes_used();
}

void JitWorker::helper_main() {
  for (;;) {
    Request r;
    uint64_t generation;
    std::vector<std::pair<void*, size_t>> prefaults;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      busy_ = false;
      idle_.notify_all();
      wake_.wait(lock, [this] { return stopping_ || !requests_.empty() || !prefaults_.empty(); });
      if (stopping_) return;
      prefaults.swap(prefaults_);
    }
    for (const auto& [start, bytes] : prefaults) madvise(start, bytes, MADV_POPULATE_WRITE);  // (EINVAL: too old)
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      if (stopping_) return;
      if (requests_.empty()) continue;
      r = requests_.front();
      requests_.pop_front();
      generation = generation_;
      busy_ = true;
    }
    std::lock_guard<std::mutex> translating(jit_mutex_);
    {
      // A reset() between taking the request and here: its block is gone.
      std::lock_guard<std::mutex> lock(queue_mutex_);
      if (generation != generation_ || stopping_) continue;
    }
    const BlockJit::Fn fn = jit_.translate(r.block, r.pc, r.who);
    const void* const chain_entry = fn ? reinterpret_cast<const uint8_t*>(fn) + jit_.chain_offset() : nullptr;
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (generation != generation_) continue;  // (cannot happen: reset() waits for jit_mutex_)
    done_.push_back(Done{r.block, fn, chain_entry});
    ready_.store(true, std::memory_order_release);
  }
}

}  // namespace rvh
