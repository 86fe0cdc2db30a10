// hyp/virtio_rng.cpp: the virtio entropy device (hyp/virtio_rng.h).
#include "hyp/virtio_rng.h"

#include <cstring>
#include <vector>

namespace rvh::hyp {

VirtioRng::VirtioRng(const std::string& name, const HypCosts& costs, uint64_t seed)
    : RequestDevice(name, costs.virtio_request, costs.virtio_per_kib), prng_(seed) {}

void VirtioRng::read_config(uint32_t offset, uint8_t* data, unsigned len) {
  (void)offset;
  std::memset(data, 0, len);  // §5.4.4: no configuration
}

bool VirtioRng::begin(const virtio::Chain& chain, uint64_t& bytes) {
  // §5.4.6.1: the driver gives device-writable buffers only.
  if (chain.readable_bytes != 0) {
    hooks().device_failed("request at descriptor " + std::to_string(chain.head) + ": " +
                          std::to_string(chain.readable_bytes) +
                          " device-readable bytes; an entropy request has device-writable buffers only");
    return false;
  }
  bytes = chain.writable_bytes;
  return true;
}

uint8_t VirtioRng::next_byte() {
  if (word_bytes_ == 0) {
    word_ = prng_();
    word_bytes_ = 8;
  }
  const uint8_t b = static_cast<uint8_t>(word_);
  word_ >>= 8;
  --word_bytes_;
  return b;
}

uint32_t VirtioRng::complete(const virtio::Chain& chain) {
  std::vector<uint8_t> data(chain.writable_bytes);
  for (uint8_t& b : data) b = next_byte();
  if (!write_chain(chain, 0, data.data(), data.size())) {
    hooks().device_failed("request at descriptor " + std::to_string(chain.head) +
                          ": its buffers cannot be written in guest memory");
    return 0;
  }
  bytes_ += data.size();
  return static_cast<uint32_t>(data.size());
}

nlohmann::json VirtioRng::stats_json() const {
  nlohmann::json j = {{"bytes", bytes_}};
  add_service_stats(j);
  return j;
}

}  // namespace rvh::hyp
