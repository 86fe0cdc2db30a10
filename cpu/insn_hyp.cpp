// cpu/insn_hyp.cpp: the hypervisor instructions (H spec, "Hypervisor
// Instructions"): HLV/HLVX/HSV access guest memory as VS- or VU-mode
// (hstatus.SPVP) through both translation stages, ignoring mstatus.MPRV;
// HFENCE.VVMA/GVMA fence guest translations. All of them are virtual
// instructions when V=1; in U-mode HLV/HSV need hstatus.HU, HFENCE is illegal.
#include "cpu/hart.h"
#include "cpu/insns.h"

namespace rvh {
namespace {
ModeIndex guest_mode(const Hart& h) { return (h.csr.hstatus & csr::kHstatusSPVP) ? kModeVS : kModeVU; }

void check_hyp_mem(Hart& h, const DecodedInsn& d) {
  if (h.virt) h.virtual_insn(d.raw);
  if (h.priv == kPrivU && !(h.csr.hstatus & csr::kHstatusHU)) h.illegal(d.raw);
}

void check_hfence(Hart& h, const DecodedInsn& d, bool gvma) {
  if (h.virt) h.virtual_insn(d.raw);
  if (h.priv == kPrivU) h.illegal(d.raw);
  if (gvma && h.priv == kPrivS && (h.csr.mstatus & csr::kMstatusTVM)) h.illegal(d.raw);
}
}  // namespace

// Faults of these accesses report a guest virtual address (hstatus.GVA=1),
// even though V=0 when they execute.
template <typename T>
T Hart::hyp_load(uint64_t vaddr, bool execute_permission) {
  if ((vaddr & 0xfff) + sizeof(T) > 0x1000) {  // crosses a page: byte by byte
    uint64_t v = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(hyp_load<uint8_t>(vaddr + i, execute_permission)) << (8 * i);
    return static_cast<T>(v);
  }
  try {
    const uint64_t paddr = translate(vaddr, AccessType::kLoad, guest_mode(*this), sizeof(T), execute_permission);
    uint8_t buf[sizeof(T)];
    read_bus_or_fault(paddr, buf, sizeof(T), AccessType::kLoad, vaddr);
    T v;
    std::memcpy(&v, buf, sizeof(T));
    return v;
  } catch (Trap& t) {
    t.gva = true;
    throw;
  }
}

template <typename T>
void Hart::hyp_store(uint64_t vaddr, T value) {
  if ((vaddr & 0xfff) + sizeof(T) > 0x1000) {
    for (unsigned i = 0; i < sizeof(T); ++i)
      hyp_store<uint8_t>(vaddr + i, static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i)));
    return;
  }
  try {
    const uint64_t paddr = translate(vaddr, AccessType::kStore, guest_mode(*this), sizeof(T));
    uint8_t buf[sizeof(T)];
    std::memcpy(buf, &value, sizeof(T));
    if (DmiRegion* r = find_dmi(paddr, sizeof(T)); r && r->writable) {
      std::memcpy(r->host + (paddr - r->start), buf, sizeof(T));
      cycles += r->write_cycles;
    } else {
      phys_access(paddr, buf, sizeof(T), true, AccessType::kStore, vaddr);
    }
  } catch (Trap& t) {
    t.gva = true;
    throw;
  }
}

// Explicit instantiations: hyp/ (vcpu.cpp, vcpu_insn.cpp) reads and writes
// guest memory through these, so every width must be emitted here whatever
// the optimiser inlines (at -O3 it used to keep only some of them).
template int8_t Hart::hyp_load<int8_t>(uint64_t, bool);
template uint8_t Hart::hyp_load<uint8_t>(uint64_t, bool);
template int16_t Hart::hyp_load<int16_t>(uint64_t, bool);
template uint16_t Hart::hyp_load<uint16_t>(uint64_t, bool);
template int32_t Hart::hyp_load<int32_t>(uint64_t, bool);
template uint32_t Hart::hyp_load<uint32_t>(uint64_t, bool);
template uint64_t Hart::hyp_load<uint64_t>(uint64_t, bool);
template void Hart::hyp_store<uint8_t>(uint64_t, uint8_t);
template void Hart::hyp_store<uint16_t>(uint64_t, uint16_t);
template void Hart::hyp_store<uint32_t>(uint64_t, uint32_t);
template void Hart::hyp_store<uint64_t>(uint64_t, uint64_t);

namespace insn {
namespace {
template <typename T>
uint64_t extend(T v) {
  return static_cast<uint64_t>(static_cast<std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>(v));
}
template <typename T>
void hlv(Hart& h, const DecodedInsn& d, bool hlvx) {
  check_hyp_mem(h, d);
  h.x[d.rd] = extend<T>(h.hyp_load<T>(h.x[d.rs1], hlvx));
}
template <typename T>
void hsv(Hart& h, const DecodedInsn& d) {
  check_hyp_mem(h, d);
  h.hyp_store<T>(h.x[d.rs1], static_cast<T>(h.x[d.rs2]));
}
}  // namespace

RVH_INSN(hlv_b) { hlv<int8_t>(h, d, false); }
RVH_INSN(hlv_bu) { hlv<uint8_t>(h, d, false); }
RVH_INSN(hlv_h) { hlv<int16_t>(h, d, false); }
RVH_INSN(hlv_hu) { hlv<uint16_t>(h, d, false); }
RVH_INSN(hlvx_hu) { hlv<uint16_t>(h, d, true); }
RVH_INSN(hlv_w) { hlv<int32_t>(h, d, false); }
RVH_INSN(hlv_wu) { hlv<uint32_t>(h, d, false); }
RVH_INSN(hlvx_wu) { hlv<uint32_t>(h, d, true); }
RVH_INSN(hlv_d) { hlv<uint64_t>(h, d, false); }
RVH_INSN(hsv_b) { hsv<uint8_t>(h, d); }
RVH_INSN(hsv_h) { hsv<uint16_t>(h, d); }
RVH_INSN(hsv_w) { hsv<uint32_t>(h, d); }
RVH_INSN(hsv_d) { hsv<uint64_t>(h, d); }
// HFENCE.VVMA: rs1 a guest-virtual address, rs2 an ASID, for the current
// hgatp.VMID. HFENCE.GVMA: rs1 a guest-physical address shifted right by 2,
// rs2 a VMID. cpu/tlb.cpp says what each removes.
RVH_INSN(hfence_vvma) {
  check_hfence(h, d, false);
  h.sfence_vma(true, d.rs1 ? std::optional<uint64_t>(h.x[d.rs1]) : std::nullopt,
               d.rs2 ? std::optional<uint64_t>(h.x[d.rs2]) : std::nullopt);
}
RVH_INSN(hfence_gvma) {
  check_hfence(h, d, true);
  h.hfence_gvma(d.rs1 ? std::optional<uint64_t>(h.x[d.rs1] << 2) : std::nullopt,
                d.rs2 ? std::optional<uint64_t>(h.x[d.rs2]) : std::nullopt);
}
}  // namespace insn

}  // namespace rvh
