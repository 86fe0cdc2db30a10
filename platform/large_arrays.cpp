// platform/large_arrays.cpp: rvh-vp's replacement of the global array
// operator new[] and delete[] (C++17 [new.delete.array]: a program may
// replace them), linked into the rvh-vp program only. Arrays of 2 MiB or
// more come from a huge-page mapping (cpu/zeroed_array.h); the rest from
// malloc, as before.
//
// Why: SystemC's static initialisation allocates a 3 MiB array (its
// temporary heap, sc_core::sc_temp_heap) and clears it, at every start of
// the program. In 4 KiB pages that is 768 page faults, and on a virtual
// machine a fault costs tens of microseconds: about 9 ms or more of a
// start-up of some 40 ms (docs/benchmarks.md). In huge pages it is two.
// The replacement is in place before any library initialiser runs, as the
// program's own definitions take precedence over libstdc++'s.
//
// Not under the sanitizers, which replace these operators themselves.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RVH_SANITIZED_NEW 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RVH_SANITIZED_NEW 1
#endif

#ifndef RVH_SANITIZED_NEW
#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>

#include "cpu/zeroed_array.h"

namespace {

constexpr std::size_t kLarge = rvh::kHugePageBytes;

// The arrays made from mappings; few and long-lived (a fixed table: no
// allocation in here). When it is full, malloc serves.
struct Mapped {
  void* p;
  std::size_t bytes;
};
constexpr int kSlots = 32;
Mapped g_mapped[kSlots];
std::atomic<int> g_in_use{0};  // slots in use; 0: delete[] need not look
std::mutex g_mutex;            // (constant-initialised: usable before any constructor)

void* map_large(std::size_t n) {
  const std::size_t bytes = rvh::zeroed_mapping_bytes(n);
  std::lock_guard<std::mutex> lock(g_mutex);
  for (Mapped& m : g_mapped) {
    if (m.p) continue;
    void* p;
    try {
      p = rvh::map_zero_pages(bytes);
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
    m = Mapped{p, bytes};
    g_in_use.fetch_add(1, std::memory_order_release);
    return p;
  }
  return nullptr;
}

bool unmap_large(void* p) {
  if (g_in_use.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard<std::mutex> lock(g_mutex);
  for (Mapped& m : g_mapped) {
    if (m.p != p) continue;
    munmap(m.p, m.bytes);
    m = Mapped{nullptr, 0};
    g_in_use.fetch_sub(1, std::memory_order_release);
    return true;
  }
  return false;
}

}  // namespace

void* operator new[](std::size_t n) {
  if (n >= kLarge)
    if (void* p = map_large(n)) return p;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}

void operator delete[](void* p) noexcept {
  if (p && !unmap_large(p)) std::free(p);
}

void operator delete[](void* p, std::size_t) noexcept { operator delete[](p); }

#endif
