// cpu/zeroed_array.h: a fixed-size array whose all-zero entry means "empty",
// in an anonymous mapping: the kernel gives zero pages on first touch, so a
// large cache costs nothing until it is used and nothing at start-up (the
// hart's decode and block caches; issue 11's start-up target). An array of
// std::vector would write every byte at construction.
//
// Arrays of 512 KiB or more are mapped as whole 2 MiB pages, 2 MiB
// aligned, and ask for transparent huge pages: first touches cost one
// fault per 2 MiB instead of one per 4 KiB (faults cost about 15 us each on
// a virtual machine; the block arena and table of a Linux boot took some
// 4,500 of them).
#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

namespace rvh {

constexpr size_t kHugePageBytes = size_t{2} << 20;

// `bytes` of zero pages (MAP_NORESERVE: only what is touched is committed);
// 2 MiB aligned and advised for huge pages from 2 MiB up. Freed by munmap.
inline void* map_zero_pages(size_t bytes) {
  constexpr int kProt = PROT_READ | PROT_WRITE, kFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  if (bytes < kHugePageBytes) {
    void* p = mmap(nullptr, bytes, kProt, kFlags, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Over-map by 2 MiB and give back the unaligned head and the tail.
  if (bytes > SIZE_MAX - kHugePageBytes) throw std::bad_alloc();
  void* raw = mmap(nullptr, bytes + kHugePageBytes, kProt, kFlags, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t tail = aligned + bytes, end = start + bytes + kHugePageBytes;
  if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
  madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // advice: ignored where THP is off
  return reinterpret_cast<void*>(aligned);
}

// The bytes to map for an array of `bytes`: from 512 KiB up, whole 2 MiB
// huge pages, so that the host faults once for the lot rather than once
// per 4 KiB page touched (twice for a page read before it is written: the
// read maps the shared zero page). A hart's 640 KiB decode cache took some
// 300 faults in a Linux boot.
inline size_t zeroed_mapping_bytes(size_t bytes) {
  if (bytes < (size_t{512} << 10) || bytes > SIZE_MAX - kHugePageBytes) return bytes;
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

template <typename T>
class ZeroedArray {
  // Entries come into being as zero bytes, never constructed or destroyed.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit ZeroedArray(size_t n) : size_(n), mapped_(zeroed_mapping_bytes(bytes())) {
    data_ = static_cast<T*>(map_zero_pages(mapped_));
  }
  ~ZeroedArray() { munmap(data_, mapped_); }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  // Every entry empty again (the pages stay: they would fault back in).
  void clear() { std::memset(static_cast<void*>(data_), 0, bytes()); }

 private:
  size_t bytes() const { return size_ * sizeof(T); }
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
};

}  // namespace rvh
