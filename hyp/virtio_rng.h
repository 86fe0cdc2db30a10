// hyp/virtio_rng.h: the virtio entropy device (virtio spec v1.2 §5.4),
// device id 4, one request queue, no features, no configuration space.
//
// Each request is a chain of device-writable buffers, which the device
// fills. The bytes come from std::mt19937_64 seeded from the constructor:
// reproducible from run to run like the rest of the simulator, and not
// cryptographic (docs/io.md). A chain with device-readable buffers is a
// hostile guest: the device stops (hooks().device_failed).
#pragma once
#include <cstdint>
#include <random>
#include <string>

#include "hyp/costs.h"
#include "hyp/virtio_request_device.h"

namespace rvh::hyp {

class VirtioRng : public virtio::RequestDevice {
 public:
  // `name` names the device's SystemC thread; the service time comes from
  // costs.virtio_request and costs.virtio_per_kib; `seed` fixes the bytes.
  VirtioRng(const std::string& name, const HypCosts& costs, uint64_t seed);

  uint32_t device_id() const override { return 4; }
  const char* kind() const override { return "rng"; }
  uint64_t features() const override { return 0; }
  void read_config(uint32_t offset, uint8_t* data, unsigned len) override;
  nlohmann::json stats_json() const override;

 protected:
  bool begin(const virtio::Chain& chain, uint64_t& bytes) override;
  uint32_t complete(const virtio::Chain& chain) override;

 private:
  std::mt19937_64 prng_;
  uint64_t word_ = 0;        // PRNG output not handed out yet,
  unsigned word_bytes_ = 0;  // low bytes first: one byte stream whatever the buffer sizes
  uint64_t bytes_ = 0;

  uint8_t next_byte();
};

}  // namespace rvh::hyp
