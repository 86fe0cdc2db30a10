// hyp/little_endian.h: little-endian fields of guest memory (virtio rings
// and requests are little-endian, virtio 1.2 §1.4), whatever the host's order.
#pragma once
#include <cstdint>

namespace rvh::hyp {

inline uint64_t load_le(const uint8_t* p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

inline void store_le(uint8_t* p, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace rvh::hyp
