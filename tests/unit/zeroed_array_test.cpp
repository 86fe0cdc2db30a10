// tests/unit/zeroed_array_test.cpp: cpu/zeroed_array.h, the hart's lazily
// touched caches: entries start as zero bytes, clear() empties them, and
// large arrays are aligned for huge pages.
#include <gtest/gtest.h>

#include <cstdint>

#include "cpu/zeroed_array.h"
#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

namespace rvh {
namespace {

struct Entry {
  uint64_t key;
  uint32_t value;
};

TEST(ZeroedArray, StartsZeroAndClears) {
  ZeroedArray<Entry> a(1u << 16);  // 1 MiB: larger than malloc's mmap threshold
  ASSERT_EQ(a.size(), 1u << 16);
  for (size_t i = 0; i < a.size(); i += 997) {
    EXPECT_EQ(a[i].key, 0u);
    EXPECT_EQ(a[i].value, 0u);
  }
  a[5] = Entry{42, 7};
  a[a.size() - 1] = Entry{1, 2};
  EXPECT_EQ(a[5].key, 42u);
  EXPECT_EQ(a[a.size() - 1].value, 2u);
  a.clear();
  EXPECT_EQ(a[5].key, 0u);
  EXPECT_EQ(a[a.size() - 1].value, 0u);
}

// From 512 KiB up the array is 2 MiB aligned (so the host can back it with
// huge pages), and every byte of it, first and last, is usable and zero.
TEST(ZeroedArray, LargeArraysAreHugePageAligned) {
  EXPECT_EQ(zeroed_mapping_bytes(4096), 4096u);
  EXPECT_EQ(zeroed_mapping_bytes(640u << 10), kHugePageBytes);
  EXPECT_EQ(zeroed_mapping_bytes(kHugePageBytes + 1), 2 * kHugePageBytes);
  for (size_t bytes : {size_t{640} << 10, kHugePageBytes, 3 * kHugePageBytes + 4096}) {
    ZeroedArray<uint8_t> a(bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(&a[0]) % kHugePageBytes, 0u) << bytes;
    EXPECT_EQ(a[0], 0u);
    EXPECT_EQ(a[bytes - 1], 0u);
    a[bytes - 1] = 9;
    EXPECT_EQ(a[bytes - 1], 9u);
  }
}

}  // namespace
}  // namespace rvh
