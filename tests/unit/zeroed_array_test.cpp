// tests/unit/zeroed_array_test.cpp: cpu/zeroed_array.h, the hart's lazily
// touched caches: entries start as zero bytes and clear() empties them.
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

}  // namespace
}  // namespace rvh
