// bench/hart_bench.cpp: Google Benchmark microbenchmarks of the hart's hot
// paths (not a test; run by hand or via the bench_hart target):
//   - BM_Decode: decode_instruction() on a mix of 32-bit and compressed words;
//   - BM_HartLoop: a Hart fetching from a Memory through the Bus (DMI) runs a
//     tight ALU/load/store/branch loop with timing annotation on.
// Both report instructions per second as the "insns" counter.
//
// libsystemc.so defines main() and calls sc_main, so sc_main runs the
// benchmarks. SystemC allows one elaboration per process: the platform is
// built once, on first use, and every BM_HartLoop iteration advances it.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>

#include "cpu/hart.h"
#include "platform/bus.h"
#include "platform/memory.h"

namespace {

// Minimal RV64I encoders (unpriv spec, "Base Instruction Formats").
constexpr uint32_t enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
constexpr uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
constexpr uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t i = static_cast<uint32_t>(imm);
  return op | (i & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((i >> 5) & 0x7f) << 25;
}
constexpr uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t i = static_cast<uint32_t>(imm);
  return 0x63 | ((i >> 11) & 1) << 7 | ((i >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         ((i >> 5) & 0x3f) << 25 | ((i >> 12) & 1) << 31;
}
constexpr uint32_t kSp = 2, kA0 = 10, kA1 = 11, kA2 = 12, kA3 = 13;

// A mix like compiled integer code: ALU, loads/stores, branches, jumps, M,
// CSR, AMO, FP and compressed forms (the latter zero-extended to 32 bits).
const std::vector<uint32_t> kDecodeMix = {
    enc_i(0x13, kA0, 0, kA0, 1),           // addi a0, a0, 1
    enc_r(0x33, kA1, 4, kA1, kA0, 0),      // xor a1, a1, a0
    enc_r(0x33, kA2, 0, kA2, kA1, 0),      // add a2, a2, a1
    enc_i(0x03, kA0, 2, kA1, 8),           // lw a0, 8(a1)
    enc_s(0x23, 3, kSp, kA2, 0),           // sd a2, 0(sp)
    enc_b(0, kA0, kA1, 8),                 // beq a0, a1, +8
    0x010000ef,                            // jal ra, +16
    0x12345537,                            // lui a0, 0x12345
    enc_r(0x33, kA0, 0, kA0, kA1, 1),      // mul a0, a0, a1
    enc_r(0x3b, kA0, 0, kA0, kA1, 0x20),   // subw a0, a0, a1
    0x30002573,                            // csrr a0, mstatus
    0x00b6252f,                            // amoadd.w a0, a1, (a2)
    0x02b57553,                            // fadd.d fa0, fa0, fa1
    0x0505,                                // c.addi a0, 1
    0x4188,                                // c.lw a0, 0(a1)
    0x852e,                                // c.mv a0, a1
};

void BM_Decode(benchmark::State& state) {
  size_t n = 0;
  for (auto _ : state) {
    for (uint32_t w : kDecodeMix) benchmark::DoNotOptimize(rvh::decode_instruction(w));
    n += kDecodeMix.size();
  }
  state.counters["insns"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Decode);

// One hart, a bus and 1 MiB of RAM at 0x80000000 holding the loop below.
struct Platform {
  static constexpr uint64_t kRamBase = 0x80000000;
  rvh::Bus bus{"bus"};
  rvh::Memory ram{"ram", 1u << 20};
  std::unique_ptr<rvh::Hart> hart;
  sc_core::sc_signal<bool> msip{"msip"}, mtip{"mtip"}, meip{"meip"}, seip{"seip"};

  Platform() {
    bus.map("ram", kRamBase, ram.size());
    bus.init_socket.bind(ram.socket);
    rvh::HartConfig cfg;
    cfg.reset_pc = kRamBase;
    hart = std::make_unique<rvh::Hart>("hart0", cfg);
    hart->bus.bind(bus.targ_socket);
    hart->irq_msip.bind(msip);
    hart->irq_mtip.bind(mtip);
    hart->irq_meip.bind(meip);
    hart->irq_seip.bind(seip);
    const std::vector<uint32_t> program = {
        0x00010117,                       // auipc sp, 0x10 (a scratch word 64 KiB on)
        enc_i(0x13, kA0, 0, kA0, 1),      // loop: addi a0, a0, 1
        enc_r(0x33, kA1, 4, kA1, kA0, 0), //   xor a1, a1, a0
        enc_r(0x33, kA2, 0, kA2, kA1, 0), //   add a2, a2, a1
        enc_s(0x23, 3, kSp, kA2, 0),      //   sd a2, 0(sp)
        enc_i(0x03, kA3, 3, kSp, 0),      //   ld a3, 0(sp)
        enc_i(0x13, kA3, 1, kA3, 1),      //   slli a3, a3, 1
        enc_b(1, kA0, 0, -24),            //   bnez a0, loop
    };
    ram.write(0, reinterpret_cast<const uint8_t*>(program.data()), program.size() * 4);
  }
  static Platform& get() {
    static Platform p;
    return p;
  }
};

void BM_HartLoop(benchmark::State& state) {
  rvh::Hart& hart = *Platform::get().hart;
  const uint64_t start = hart.instret;
  for (auto _ : state) sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));  // 1 M cycles at 1 GHz
  state.counters["insns"] =
      benchmark::Counter(static_cast<double>(hart.instret - start), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HartLoop)->Unit(benchmark::kMillisecond);

}  // namespace

int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
