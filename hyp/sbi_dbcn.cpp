// hyp/sbi_dbcn.cpp: the SBI Debug Console extension (EID "DBCN",
// ext-debug-console.adoc), on the VM's console (Vm::console_write /
// console_read: the host side of the guest's virtual UART). KVM forwards
// these calls to the VMM; here the hypervisor serves them itself.
//
//  - console_write(num_bytes, base_lo, base_hi): writes num_bytes bytes of
//    guest-PHYSICAL memory at base_hi:base_lo; returns num_bytes.
//  - console_read(num_bytes, base_lo, base_hi): non-blocking; moves up to
//    num_bytes waiting input bytes into guest memory; returns the count (0
//    when nothing waits). The buffer is checked before any input is taken.
//  - console_write_byte(byte): writes the low byte of a0; value 0.
// A buffer that is not entirely in guest RAM (base_hi != 0, wrap-around, a
// device or unmapped address) is SBI_ERR_INVALID_PARAM, as the spec's
// function tables say (num_bytes = 0 always succeeds with 0).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

enum : uint64_t { kConsoleWrite = 0, kConsoleRead = 1, kConsoleWriteByte = 2 };
constexpr uint64_t kChunk = 4096;  // bytes copied at a time

class SbiDbcn : public SbiExtension {
 public:
  const char* name() const override { return "dbcn"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtDbcn; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    Vm& vm = vcpu.vm();
    switch (call.fid) {
      case kConsoleWrite:
      case kConsoleRead: {
        const uint64_t n = call.args[0], gpa = call.args[1], hi = call.args[2];
        if (n == 0) break;
        if (hi != 0 || gpa + n < gpa || !vm.is_guest_ram(gpa, n)) {
          r.error = kSbiErrInvalidParam;
          break;
        }
        r.value = call.fid == kConsoleWrite ? write(vm, gpa, n, r.error) : read(vm, gpa, n, r.error);
        break;
      }
      case kConsoleWriteByte: {
        const uint8_t byte = static_cast<uint8_t>(call.args[0]);
        vm.console_write(&byte, 1);
        break;
      }
      default:
        r.error = kSbiErrNotSupported;
        break;
    }
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"console_write", "console_read", "console_write_byte"};
    if (fid < sizeof(kNames) / sizeof(kNames[0])) return kNames[fid];
    return SbiExtension::function_name(eid, fid);
  }

 private:
  static uint64_t write(Vm& vm, uint64_t gpa, uint64_t n, int64_t& error) {
    std::vector<uint8_t> buf(std::min(n, kChunk));
    uint64_t done = 0;
    while (done < n) {
      const uint64_t len = std::min(n - done, kChunk);
      if (!vm.read_guest_physical(gpa + done, buf.data(), len)) {
        if (done == 0) error = kSbiErrInvalidParam;  // else: a partial write, reported as such
        break;
      }
      vm.console_write(buf.data(), len);
      done += len;
    }
    return done;
  }

  static uint64_t read(Vm& vm, uint64_t gpa, uint64_t n, int64_t& error) {
    std::vector<uint8_t> buf;
    while (buf.size() < n) {
      const int c = vm.console_read();
      if (c < 0) break;
      buf.push_back(static_cast<uint8_t>(c));
    }
    if (!buf.empty() && !vm.write_guest_physical(gpa, buf.data(), buf.size())) {
      error = kSbiErrFailed;  // checked as RAM above: should not happen
      return 0;
    }
    return buf.size();
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_dbcn() { return std::make_unique<SbiDbcn>(); }

}  // namespace rvh::hyp
