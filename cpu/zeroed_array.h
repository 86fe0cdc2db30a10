// cpu/zeroed_array.h: a fixed-size array whose all-zero entry means "empty",
// in an anonymous mapping: the kernel gives zero pages on first touch, so a
// large cache costs nothing until it is used and nothing at start-up (the
// hart's decode and block caches; issue 11's start-up target). An array of
// std::vector would write every byte at construction.
#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>

namespace rvh {

template <typename T>
class ZeroedArray {
  // Entries come into being as zero bytes, never constructed or destroyed.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit ZeroedArray(size_t n) : size_(n) {
    void* p = mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
  }
  ~ZeroedArray() { munmap(data_, bytes()); }
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
};

}  // namespace rvh
