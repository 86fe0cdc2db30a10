// cpu/block_jit.cpp: the block translator (cpu/block_jit.h says what it
// does), generating x86-64 code with Xbyak.
//
// Generated code, per block:
//   rbx = the Hart, r15 = &hart.x[0], r12 = the block's first pc,
//   r13 = hart.cycles (written back before any call and at every exit),
//   r14 = the cycle limit, rbp = the instruction stop.
// instret is counted at translation time: the instructions retired since
// it was last written back are added before any call and at every exit.
// Each translation has two entries: its start, called from the run loop
// (the prologue sets those registers up and jumps to the body), and its
// chain entry just after the prologue, jumped to from the end of another
// translation (rdx = that one's block). The chain entry checks what the
// loop would have checked before running the block: that it fits before
// the instruction stop, and that the guest bytes are still those it was
// translated from (compared with constants in the code).
#include "cpu/block_jit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/fpu.h"
#include "cpu/fpu_host.h"
#include "cpu/hart.h"
#include "cpu/insns.h"
#include "cpu/zeroed_array.h"

#if defined(__x86_64__)
#include <xbyak/xbyak.h>
#include <xbyak/xbyak_util.h>
#define RVH_HAVE_JIT 1
#else
#define RVH_HAVE_JIT 0
#endif

namespace rvh {

#if RVH_HAVE_JIT
namespace {
constexpr size_t kCodeBytes = size_t{32} << 20;
// More than any block's code (16 instructions, each with its slow path and
// exits): translate() needs this much room left.
constexpr size_t kMaxBlockCode = 16 << 10;

// The code buffer: zero pages, touched as code is written, in huge pages
// where the host has them (cpu/zeroed_array.h), writable and executable.
struct CodeBufferAllocator : Xbyak::Allocator {
  uint8_t* alloc(size_t bytes) override {
    void* p = map_zero_pages(bytes);
    if (mprotect(p, bytes, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
      munmap(p, bytes);
      throw std::bad_alloc();
    }
    return static_cast<uint8_t*>(p);
  }
  void free(uint8_t* p) override { munmap(p, kCodeBytes); }
  bool useProtect() const override { return false; }  // done in alloc()
};
// Never destroyed: a hart destroyed during static destruction still frees
// its buffer through it.
CodeBufferAllocator& code_buffer_allocator() {
  static CodeBufferAllocator* const allocator = new CodeBufferAllocator;
  return *allocator;
}

int32_t offset_in(const void* base, const void* field) {
  return static_cast<int32_t>(reinterpret_cast<const char*>(field) - reinterpret_cast<const char*>(base));
}

enum class Op : uint8_t {
  kOther, kLui, kAuipc, kJal, kJalr, kBranch, kLoad, kStore,
  kAddi, kSlti, kSltiu, kXori, kOri, kAndi, kSlli, kSrli, kSrai, kAddiw, kSlliw, kSrliw, kSraiw,
  kAdd, kSub, kSll, kSlt, kSltu, kXor, kSrl, kSra, kOr, kAnd, kAddw, kSubw, kSllw, kSrlw, kSraw, kMul, kMulw,
  kFaddD, kFsubD, kFmulD, kFdivD, kFcvtDW, kFcvtDWu,
};

struct Kind {
  Op op = Op::kOther;
  uint8_t size = 0;     // loads and stores: bytes
  bool sign = false;    // loads: sign-extended
  uint8_t cond = 0;     // branches: index into the condition table
};

Kind classify(InsnHandler h) {
  using namespace insn;
  struct Entry { InsnHandler h; Kind k; };
  static const Entry table[] = {
      {lui, {Op::kLui}}, {auipc, {Op::kAuipc}}, {jal, {Op::kJal}}, {jalr, {Op::kJalr}},
      {beq, {Op::kBranch, 0, false, 0}}, {bne, {Op::kBranch, 0, false, 1}}, {blt, {Op::kBranch, 0, false, 2}},
      {bge, {Op::kBranch, 0, false, 3}}, {bltu, {Op::kBranch, 0, false, 4}}, {bgeu, {Op::kBranch, 0, false, 5}},
      {lb, {Op::kLoad, 1, true}}, {lh, {Op::kLoad, 2, true}}, {lw, {Op::kLoad, 4, true}}, {ld, {Op::kLoad, 8, false}},
      {lbu, {Op::kLoad, 1, false}}, {lhu, {Op::kLoad, 2, false}}, {lwu, {Op::kLoad, 4, false}},
      {sb, {Op::kStore, 1}}, {sh, {Op::kStore, 2}}, {sw, {Op::kStore, 4}}, {sd, {Op::kStore, 8}},
      {addi, {Op::kAddi}}, {slti, {Op::kSlti}}, {sltiu, {Op::kSltiu}}, {xori, {Op::kXori}}, {ori, {Op::kOri}},
      {andi, {Op::kAndi}}, {slli, {Op::kSlli}}, {srli, {Op::kSrli}}, {srai, {Op::kSrai}}, {addiw, {Op::kAddiw}},
      {slliw, {Op::kSlliw}}, {srliw, {Op::kSrliw}}, {sraiw, {Op::kSraiw}},
      {add, {Op::kAdd}}, {sub, {Op::kSub}}, {sll, {Op::kSll}}, {slt, {Op::kSlt}}, {sltu, {Op::kSltu}},
      {xor_, {Op::kXor}}, {srl, {Op::kSrl}}, {sra, {Op::kSra}}, {or_, {Op::kOr}}, {and_, {Op::kAnd}},
      {addw, {Op::kAddw}}, {subw, {Op::kSubw}}, {sllw, {Op::kSllw}}, {srlw, {Op::kSrlw}}, {sraw, {Op::kSraw}},
      {mul, {Op::kMul}}, {mulw, {Op::kMulw}},
      {fadd_d, {Op::kFaddD}}, {fsub_d, {Op::kFsubD}}, {fmul_d, {Op::kFmulD}}, {fdiv_d, {Op::kFdivD}},
      {fcvt_d_w, {Op::kFcvtDW}}, {fcvt_d_wu, {Op::kFcvtDWu}},
  };
  for (const Entry& e : table)
    if (e.h == h) return e.k;
  return Kind{};
}
}  // namespace

struct BlockJit::Generator : Xbyak::CodeGenerator {
  explicit Generator(Hart& h) : Xbyak::CodeGenerator(kCodeBytes, nullptr, &code_buffer_allocator()) {
    off_x = offset_in(&h, &h.x[0]);
    off_f = offset_in(&h, &h.f[0]);
    off_mstatus = offset_in(&h, &h.csr.mstatus);
    off_vsstatus = offset_in(&h, &h.csr.vsstatus);
    off_frm = offset_in(&h, &h.csr.frm);
    off_fflags = offset_in(&h, &h.csr.fflags);
    host_fma = Xbyak::util::Cpu().has(Xbyak::util::Cpu::tFMA);
    off_pc = offset_in(&h, &h.pc);
    off_npc = offset_in(&h, &h.npc);
    off_cycles = offset_in(&h, &h.cycles);
    off_instret = offset_in(&h, &h.instret);
    off_run_stop = offset_in(&h, &h.run_stop_);
    off_ld_tlb = offset_in(&h, &h.ld_tlb_);
    off_st_tlb = offset_in(&h, &h.st_tlb_);
    off_ld_ctx = offset_in(&h, &h.ld_ctx_);
    off_fetch_vpage = offset_in(&h, &h.fetch_vpage_);
    off_fetch_addend = offset_in(&h, &h.fetch_addend_);
    off_watched = offset_in(&h, &h.watched_);
    off_priv = offset_in(&h, &h.priv);
    off_virt = offset_in(&h, &h.virt);
    off_ctx = offset_in(&h, &h.ctx_[0]);
    off_fetch_tlb = offset_in(&h, &h.tlb_[static_cast<int>(AccessType::kFetch)][0][0]);
    off_last_block = offset_in(&h, &h.jit_last_block_);
    off_resume_host = offset_in(&h, &h.resume_host_);
    const Hart::Block b;
    blk_next_host = offset_in(&b, &b.next_host[0]);
    blk_next_entry = offset_in(&b, &b.next_entry[0]);
    blk_chain_entry = offset_in(&b, &b.chain_entry);
    const Hart::TlbEntry e;
    tlb_tag = offset_in(&e, &e.tag);
    tlb_ctx = offset_in(&e, &e.ctx);
    tlb_addend = offset_in(&e, &e.addend);
    tlb_latency = offset_in(&e, &e.latency_cycles);
    branch_penalty = h.config().cpi.branch_taken_penalty;
    block_table = reinterpret_cast<uint64_t>(&h.block_cache_->table[0]);
  }

  // The handler call that every instruction not written out inline (and
  // every TLB miss) goes through: no exception may unwind through
  // generated code, which has no unwind tables, so a trap (or anything
  // else thrown) is kept in the hart and reported by the return value.
  static int call_handler(Hart* h, const DecodedInsn* d) {
    try {
      d->exec(*h, *d);
      if (__builtin_expect(!h->run_stop_.trap_deferred, 1)) return 0;
      h->run_stop_.trap_deferred = false;  // (Hart::load_deferring)
      h->jit_trap_ = h->fault_;
      return 1;
    } catch (const Trap& t) {
      h->jit_trap_ = t;
    } catch (...) {
      h->jit_exception_ = std::current_exception();
    }
    return 1;
  }

  int32_t off_x, off_pc, off_npc, off_cycles, off_instret, off_run_stop, off_ld_tlb, off_st_tlb, off_ld_ctx;
  int32_t off_fetch_vpage, off_fetch_addend, off_watched, off_last_block, off_priv, off_virt, off_ctx, off_fetch_tlb;
  int32_t off_resume_host;
  int32_t blk_next_host, blk_next_entry, blk_chain_entry;
  int32_t off_f, off_mstatus, off_vsstatus, off_frm, off_fflags;
  bool host_fma;  // the host has FMA (mul and div find inexact results with it)
  // Bytes from a translation's entry to its chain entry (after the
  // prologue, the same in every translation); 0 until the first.
  size_t chain_offset = 0;
  int32_t tlb_tag, tlb_ctx, tlb_addend, tlb_latency;
  uint16_t branch_penalty;
  uint64_t block_table;  // the block cache's table (allocated with the cache, never moves)

  // --- per block ---
  // Jumps are written as rel32 and patched by hand: Xbyak's labels keep
  // hash maps, which cost more than the rest of a translation.
  enum Cond : uint8_t { kB = 2, kAE = 3, kE = 4, kNE = 5, kA = 7, kL = 0xc, kGE = 0xd };
  using Fixup = size_t;  // where a jump's rel32 is, from the buffer's start
  Fixup jcc_forward(Cond c) {
    db(0x0f);
    db(0x80 | c);
    dd(0);
    return getSize() - 4;
  }
  Fixup jmp_forward() {
    db(0xe9);
    dd(0);
    return getSize() - 4;
  }
  void land(Fixup at) {  // the jump at `at` goes to here
    const int32_t rel = static_cast<int32_t>(getSize() - (at + 4));
    std::memcpy(const_cast<uint8_t*>(getCode()) + at, &rel, 4);
  }
  void jmp_back(size_t target) {
    db(0xe9);
    dd(static_cast<uint32_t>(static_cast<int32_t>(target - (getSize() + 4))));
  }

  size_t exit_this = 0, leave = 0;  // positions in the buffer
  unsigned pending = 0;  // instructions retired and not yet added to instret
  struct Deferred {      // code emitted after the block's body
    enum { kExit, kTrap, kSlow } what;
    Fixup from[8];       // the jumps to it (emit_fp() makes up to 8)
    unsigned jumps;
    size_t back;         // kSlow: where the slow path rejoins
    const DecodedInsn* d;
    uint32_t next_offset;  // kExit: pc of the next instruction, from the first pc
    unsigned pending;
  };
  std::vector<Deferred> deferred;

  Xbyak::Address xreg(unsigned r) { return qword[r15 + 8 * r]; }
  Xbyak::Address field(int32_t off) { return qword[rbx + off]; }

  // A conditional jump to an exit after the current instruction, to the next pc.
  void exit_if(Cond c, uint32_t next_offset) {
    deferred.push_back({Deferred::kExit, {jcc_forward(c)}, 1, 0, nullptr, next_offset, pending});
  }

  // Calls d's handler as the interpreter would: pc and npc set, cycles
  // and instret up to date. Afterwards r13 holds the cycles again.
  void emit_call(const DecodedInsn* d, unsigned pending_now) {
    if (pending_now) add(field(off_instret), pending_now);
    mov(field(off_cycles), r13);
    lea(rax, ptr[r12 + d->offset]);
    mov(field(off_pc), rax);
    add(rax, d->len);
    mov(field(off_npc), rax);
    mov(rdi, rbx);
    mov(rsi, reinterpret_cast<uint64_t>(d));
    mov(rax, reinterpret_cast<uint64_t>(&call_handler));
    call(rax);
    test(eax, eax);
    deferred.push_back({Deferred::kTrap, {jcc_forward(kNE)}, 1, 0, d, 0, 0});
    mov(r13, field(off_cycles));
  }

  // rax = x[rs1] + imm; rdx = the TLB entry for it, of `tlb_field`'s
  // array; jumps to `miss` (three jumps) unless the entry hits for `size`
  // bytes.
  void emit_tlb_lookup(const DecodedInsn& d, unsigned size, int32_t tlb_field, Deferred& miss) {
    mov(rax, xreg(d.rs1));
    if (d.imm) add(rax, static_cast<int32_t>(d.imm));
    mov(rcx, rax);
    shr(rcx, 12);
    movzx(edx, cl);  // (vaddr >> 12) % kTlbSize
    static_assert(Hart::kTlbSize == 256);
    imul(edx, edx, static_cast<int>(sizeof(Hart::TlbEntry)));
    add(rdx, field(tlb_field));
    cmp(rcx, qword[rdx + tlb_tag]);
    miss.from[0] = jcc_forward(kNE);
    mov(rcx, field(off_ld_ctx));
    cmp(rcx, qword[rdx + tlb_ctx]);
    miss.from[1] = jcc_forward(kNE);
    mov(ecx, eax);
    and_(ecx, 0xfff);
    cmp(ecx, static_cast<int>(0x1000 - size));
    miss.from[2] = jcc_forward(kA);
    miss.jumps = 3;
    add(rax, qword[rdx + tlb_addend]);
  }

  void emit_load(const DecodedInsn& d, const Kind& k) {
    Deferred miss{Deferred::kSlow, {}, 0, 0, &d, 0, pending};
    emit_tlb_lookup(d, k.size, off_ld_tlb, miss);
    switch (k.size) {
      case 1: k.sign ? movsx(rax, byte[rax]) : movzx(eax, byte[rax]); break;
      case 2: k.sign ? movsx(rax, word[rax]) : movzx(eax, word[rax]); break;
      case 4: k.sign ? movsxd(rax, dword[rax]) : mov(eax, dword[rax]); break;
      default: mov(rax, qword[rax]); break;
    }
    mov(xreg(d.rd), rax);
    add(r13, qword[rdx + tlb_latency]);
    miss.back = getSize();
    deferred.push_back(miss);
  }

  void emit_store(const DecodedInsn& d, const Kind& k) {
    Deferred miss{Deferred::kSlow, {}, 0, 0, &d, 0, pending};
    emit_tlb_lookup(d, k.size, off_st_tlb, miss);
    mov(rcx, xreg(d.rs2));
    switch (k.size) {
      case 1: mov(byte[rax], cl); break;
      case 2: mov(word[rax], cx); break;
      case 4: mov(dword[rax], ecx); break;
      default: mov(qword[rax], rcx); break;
    }
    add(r13, qword[rdx + tlb_latency]);
    miss.back = getSize();
    deferred.push_back(miss);
  }

  // Binary64 add, sub, mul and div, and conversions from 32-bit integers,
  // on the host's FPU where the result is what the handler computes
  // (cpu/fpu_host.h says when; its checks are repeated here), else
  // through the handler (`slow`). Also through the handler unless FS is
  // dirty already (in vsstatus too when V=1), so that the handler's only
  // side effects left are the result and fflags.NX. With watchers (the
  // commit log shows each fflags write) nothing translated runs.
  Xbyak::Address freg(unsigned r) { return qword[rbx + off_f + 8 * r]; }
  // rax = status; jumps to `slow` unless FS = dirty and SD is set.
  void require_fs_dirty(Deferred& slow, int32_t status_field) {
    mov(rax, qword[rbx + status_field]);
    mov(rcx, csr::kMstatusFs | csr::kMstatusSD);
    and_(rax, rcx);
    cmp(rax, rcx);
    slow.from[slow.jumps++] = jcc_forward(kNE);
  }
  // exact: the result is exact in every rounding mode (any valid frm will
  // do), else only round-to-nearest-even is written out.
  void fp_guard(const DecodedInsn& d, bool exact, Deferred& slow) {
    require_fs_dirty(slow, off_mstatus);
    cmp(byte[rbx + off_virt], 0);
    const Fixup not_virt = jcc_forward(kE);
    require_fs_dirty(slow, off_vsstatus);
    land(not_virt);
    if (d.rm == 7) {  // dynamic: frm
      cmp(byte[rbx + off_frm], exact ? 4 : 0);
      slow.from[slow.jumps++] = jcc_forward(exact ? kA : kNE);
    }
  }
  // Jumps to `slow` unless the binary64 in `r` is normal or a zero.
  void require_normal_or_zero(const Xbyak::Reg64& r, Deferred& slow) {
    lea(rcx, ptr[r + r]);  // without the sign
    test(rcx, rcx);
    const Fixup zero = jcc_forward(kE);
    shr(rcx, 53);  // the exponent field
    sub(ecx, 1);
    cmp(ecx, 0x7fe);
    slow.from[slow.jumps++] = jcc_forward(kAE);  // 0 (subnormal) or 0x7ff (inf, NaN)
    land(zero);
  }
  // Jumps to `slow` unless kHostFloor <= |r| < infinity (r's bits).
  void require_usable(const Xbyak::Reg64& r, Deferred& slow) {
    mov(rcx, r);
    btr(rcx, 63);
    mov(rdx, fpu::host::bits(fpu::host::kHostFloor));
    cmp(rcx, rdx);
    slow.from[slow.jumps++] = jcc_forward(kB);
    mov(rdx, 0x7ff0000000000000ull);
    cmp(rcx, rdx);
    slow.from[slow.jumps++] = jcc_forward(kAE);
  }
  // Whether the instruction is written out here (else: a handler call).
  bool fp_inline(const DecodedInsn& d, Op op) const {
    if (op == Op::kFcvtDW || op == Op::kFcvtDWu) return d.rm <= 4 || d.rm == 7;
    if (op == Op::kFmulD || op == Op::kFdivD) return host_fma && (d.rm == 0 || d.rm == 7);
    return d.rm == 0 || d.rm == 7;
  }
  void emit_fp(const DecodedInsn& d, Op op) {
    Deferred slow{Deferred::kSlow, {}, 0, 0, &d, 0, pending};
    const bool conversion = op == Op::kFcvtDW || op == Op::kFcvtDWu;
    fp_guard(d, conversion, slow);
    if (conversion) {  // exact, no flags
      if (op == Op::kFcvtDW) movsxd(rax, dword[r15 + 8 * d.rs1]);
      else mov(eax, dword[r15 + 8 * d.rs1]);
      cvtsi2sd(xmm0, rax);
      movq(freg(d.rd), xmm0);
    } else {
      mov(rax, freg(d.rs1));
      mov(r8, freg(d.rs2));
      require_normal_or_zero(rax, slow);
      require_normal_or_zero(r8, slow);
      if (op == Op::kFdivD) {  // a tiny dividend: the error term may not be exact
        mov(rcx, rax);
        btr(rcx, 63);
        mov(rdx, fpu::host::bits(fpu::host::kHostFloor));
        cmp(rcx, rdx);
        slow.from[slow.jumps++] = jcc_forward(kB);
      }
      movq(xmm0, rax);  // a
      movq(xmm1, r8);   // b
      movapd(xmm2, xmm0);
      switch (op) {
        case Op::kFaddD: addsd(xmm2, xmm1); break;
        case Op::kFsubD: subsd(xmm2, xmm1); break;
        case Op::kFmulD: mulsd(xmm2, xmm1); break;
        default: divsd(xmm2, xmm1); break;
      }
      movq(rax, xmm2);  // r
      require_usable(rax, slow);
      // The error term, zero when r is exact: TwoSum for add and sub (with
      // b negated for sub), the FMA remainder for mul and div.
      switch (op) {
        case Op::kFaddD:
        case Op::kFsubD:
          movapd(xmm3, xmm2);
          subsd(xmm3, xmm0);  // b_part = r - a
          movapd(xmm4, xmm2);
          subsd(xmm4, xmm3);  // r - b_part
          movapd(xmm5, xmm0);
          subsd(xmm5, xmm4);  // a - (r - b_part)
          movapd(xmm6, xmm1);
          if (op == Op::kFaddD) {
            subsd(xmm6, xmm3);  // b - b_part
            addsd(xmm5, xmm6);
          } else {
            addsd(xmm6, xmm3);  // -((-b) - b_part)
            subsd(xmm5, xmm6);
          }
          break;
        case Op::kFmulD:
          movapd(xmm5, xmm2);
          vfmsub231sd(xmm5, xmm0, xmm1);  // a * b - r
          break;
        default:
          movapd(xmm5, xmm0);
          vfmsub231sd(xmm5, xmm2, xmm1);  // r * b - a
          break;
      }
      xorpd(xmm6, xmm6);
      ucomisd(xmm5, xmm6);
      const Fixup exact = jcc_forward(kE);  // (never unordered: everything is finite)
      or_(byte[rbx + off_fflags], fpu::kNX);
      land(exact);
      mov(freg(d.rd), rax);
    }
    slow.back = getSize();
    deferred.push_back(slow);
  }

  // Integer register-immediate and register-register instructions. rd is
  // never 0 here (the decoder maps it to the sink x[32]).
  void emit_alu(const DecodedInsn& d, Op op) {
    const int32_t imm = static_cast<int32_t>(d.imm);
    auto set_cond = [&](void (Generator::*setcc)(const Xbyak::Operand&), bool with_imm) {
      mov(rax, xreg(d.rs1));
      xor_(ecx, ecx);
      if (with_imm) cmp(rax, imm); else cmp(rax, xreg(d.rs2));
      (this->*setcc)(cl);
      mov(xreg(d.rd), rcx);
    };
    switch (op) {
      case Op::kLui: mov(rax, static_cast<uint64_t>(d.imm)); break;
      case Op::kAuipc: mov(rax, static_cast<uint64_t>(d.imm) + d.offset); add(rax, r12); break;
      case Op::kAddi: mov(rax, xreg(d.rs1)); if (imm) add(rax, imm); break;
      case Op::kXori: mov(rax, xreg(d.rs1)); xor_(rax, imm); break;
      case Op::kOri: mov(rax, xreg(d.rs1)); or_(rax, imm); break;
      case Op::kAndi: mov(rax, xreg(d.rs1)); and_(rax, imm); break;
      case Op::kSlli: mov(rax, xreg(d.rs1)); shl(rax, imm); break;
      case Op::kSrli: mov(rax, xreg(d.rs1)); shr(rax, imm); break;
      case Op::kSrai: mov(rax, xreg(d.rs1)); sar(rax, imm); break;
      case Op::kAddiw: mov(rax, xreg(d.rs1)); add(eax, imm); movsxd(rax, eax); break;
      case Op::kSlliw: mov(rax, xreg(d.rs1)); shl(eax, imm); movsxd(rax, eax); break;
      case Op::kSrliw: mov(rax, xreg(d.rs1)); shr(eax, imm); movsxd(rax, eax); break;
      case Op::kSraiw: mov(rax, xreg(d.rs1)); sar(eax, imm); movsxd(rax, eax); break;
      case Op::kSlti: set_cond(&Generator::setl, true); return;
      case Op::kSltiu: set_cond(&Generator::setb, true); return;
      case Op::kSlt: set_cond(&Generator::setl, false); return;
      case Op::kSltu: set_cond(&Generator::setb, false); return;
      case Op::kAdd: mov(rax, xreg(d.rs1)); add(rax, xreg(d.rs2)); break;
      case Op::kSub: mov(rax, xreg(d.rs1)); sub(rax, xreg(d.rs2)); break;
      case Op::kXor: mov(rax, xreg(d.rs1)); xor_(rax, xreg(d.rs2)); break;
      case Op::kOr: mov(rax, xreg(d.rs1)); or_(rax, xreg(d.rs2)); break;
      case Op::kAnd: mov(rax, xreg(d.rs1)); and_(rax, xreg(d.rs2)); break;
      case Op::kMul: mov(rax, xreg(d.rs1)); imul(rax, xreg(d.rs2)); break;
      case Op::kAddw: mov(rax, xreg(d.rs1)); add(eax, dword[r15 + 8 * d.rs2]); movsxd(rax, eax); break;
      case Op::kSubw: mov(rax, xreg(d.rs1)); sub(eax, dword[r15 + 8 * d.rs2]); movsxd(rax, eax); break;
      case Op::kMulw: mov(rax, xreg(d.rs1)); imul(eax, dword[r15 + 8 * d.rs2]); movsxd(rax, eax); break;
      // x86 masks a 64-bit shift's count to 6 bits and a 32-bit one's to
      // 5, as RV64 does for sll/srl/sra and sllw/srlw/sraw.
      case Op::kSll: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); shl(rax, cl); break;
      case Op::kSrl: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); shr(rax, cl); break;
      case Op::kSra: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); sar(rax, cl); break;
      case Op::kSllw: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); shl(eax, cl); movsxd(rax, eax); break;
      case Op::kSrlw: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); shr(eax, cl); movsxd(rax, eax); break;
      case Op::kSraw: mov(rax, xreg(d.rs1)); mov(rcx, xreg(d.rs2)); sar(eax, cl); movsxd(rax, eax); break;
      default: return;
    }
    mov(xreg(d.rd), rax);
  }

  // The last instruction of a block that ends in a branch or jump: leaves
  // with rax = the next pc.
  void emit_control(const DecodedInsn& d, const Kind& k) {
    const uint64_t fall = d.offset + d.len;
    if (k.op == Op::kJal) {
      lea(rax, ptr[r12 + static_cast<int32_t>(fall)]);
      mov(xreg(d.rd), rax);
      mov(rax, static_cast<uint64_t>(d.imm) + d.offset);
      add(rax, r12);
      return;
    }
    if (k.op == Op::kJalr) {
      mov(rcx, xreg(d.rs1));  // read before rd is written (rd may be rs1)
      if (d.imm) add(rcx, static_cast<int32_t>(d.imm));
      and_(rcx, -2);
      lea(rax, ptr[r12 + static_cast<int32_t>(fall)]);
      mov(xreg(d.rd), rax);
      mov(rax, rcx);
      return;
    }
    // Branch: not taken falls through; taken adds the penalty.
    mov(rax, xreg(d.rs1));
    cmp(rax, xreg(d.rs2));
    // Jump when the branch is not taken: beq, bne, blt, bge, bltu, bgeu.
    static const Cond not_taken_if[] = {kNE, kE, kGE, kL, kAE, kB};
    const Fixup not_taken = jcc_forward(not_taken_if[k.cond]);
    if (branch_penalty) add(r13, branch_penalty);
    mov(rax, static_cast<uint64_t>(d.imm) + d.offset);
    add(rax, r12);
    const Fixup join = jmp_forward();
    land(not_taken);
    lea(rax, ptr[r12 + static_cast<int32_t>(fall)]);
    land(join);
  }

  // With rdx = the next pc's page, not the fetch page: what
  // Hart::refill_fetch_page() does, from the fetch TLB of the current
  // mode; an exit where it misses.
  void emit_refill_fetch_page(std::vector<Fixup>& to_exit) {
    static_assert(sizeof(Priv) == 1 && sizeof(bool) == 1 && kModeVU == 4);
    movzx(edi, byte[rbx + off_priv]);
    movzx(esi, byte[rbx + off_virt]);
    lea(edi, ptr[rdi + rsi * 4]);  // mode_index(priv, virt)
    mov(rsi, qword[rbx + rdi * 8 + off_ctx]);
    imul(edi, edi, static_cast<int>(Hart::kTlbSize * sizeof(Hart::TlbEntry)));
    movzx(r8d, dl);  // the set
    imul(r8d, r8d, static_cast<int>(sizeof(Hart::TlbEntry)));
    add(rdi, r8);
    lea(rdi, ptr[rbx + rdi + off_fetch_tlb]);
    cmp(rdx, qword[rdi + tlb_tag]);
    to_exit.push_back(jcc_forward(kNE));
    cmp(rsi, qword[rdi + tlb_ctx]);
    to_exit.push_back(jcc_forward(kNE));
    mov(field(off_fetch_vpage), rdx);
    mov(rsi, qword[rdi + tlb_addend]);
    mov(field(off_fetch_addend), rsi);
  }

  // At the end of a block, with rax = the next pc and ecx = instructions
  // not yet counted: the checks the interpreter's loop makes before its
  // next block (cycle limit, run-stop word, watchers, fetch page), then,
  // if the next block is the one this block's link names (or, failing
  // that, the block table's entry) and it is translated, a jump to its
  // chain entry, with rdx = this block. That entry makes the rest of the
  // loop's checks (instruction stop, same bytes) itself. Anything else
  // leaves to the loop (to_exit), with nothing left to count.
  void emit_chain(const Hart::Block& block, std::vector<Fixup>& to_exit) {
    add(field(off_instret), rcx);
    xor_(ecx, ecx);
    cmp(r13, r14);
    to_exit.push_back(jcc_forward(kAE));
    cmp(dword[rbx + off_run_stop], 0);
    to_exit.push_back(jcc_forward(kNE));
    cmp(byte[rbx + off_watched], 0);
    to_exit.push_back(jcc_forward(kNE));
    mov(rdx, rax);  // the fetch page (Hart::block_at_pc)
    shr(rdx, 12);
    cmp(rdx, field(off_fetch_vpage));
    const Fixup same_page = jcc_forward(kE);
    emit_refill_fetch_page(to_exit);
    land(same_page);
    mov(rsi, field(off_fetch_addend));
    add(rsi, rax);  // rsi = host address of the next pc
    // The link: [0] the straight-line successor, [1] any other.
    mov(rdx, static_cast<uint64_t>(block.host + block.bytes));
    xor_(edi, edi);
    cmp(rsi, rdx);
    setne(dil);
    mov(rdx, reinterpret_cast<uint64_t>(&block));
    cmp(rsi, qword[rdx + rdi * 8 + blk_next_host]);
    const Fixup no_link = jcc_forward(kNE);
    mov(r8, qword[rdx + rdi * 8 + blk_next_entry]);
    test(r8, r8);
    to_exit.push_back(jcc_forward(kE));
    mov(r12, rax);
    jmp(r8);
    // Not the linked block (an indirect jump's other target): the block
    // table's entry for it, if any (Hart::find_block; the link is left).
    land(no_link);
    static_assert(Hart::kBlockTableSize == 1u << 17 && sizeof(Hart::BlockSlot) == 16);
    mov(r8, rsi);
    shr(r8, 1);
    mov(rdi, rsi);
    shr(rdi, 18);
    xor_(r8, rdi);
    and_(r8d, Hart::kBlockTableSize - 1);  // Hart::block_slot()
    shl(r8, 4);
    mov(rdi, block_table);
    add(r8, rdi);
    cmp(rsi, qword[r8]);
    to_exit.push_back(jcc_forward(kNE));
    mov(r8, qword[r8 + 8]);
    mov(r8, qword[r8 + blk_chain_entry]);
    test(r8, r8);
    to_exit.push_back(jcc_forward(kE));
    mov(r12, rax);
    jmp(r8);
  }

  // The chain entry's checks, with r12 = the block's pc and rdx = the
  // block that ran before: all of this block before the instruction stop,
  // and its bytes in guest memory still those it was built from
  // (detail::same_code), compared with constants. A failed check leaves
  // to the loop with that other block as the one that ran last.
  void emit_entry_checks(const Hart::Block& block, std::vector<Fixup>& to_leave) {
    mov(rdi, field(off_instret));
    add(rdi, block.count);
    cmp(rdi, rbp);
    to_leave.push_back(jcc_forward(kA));
    const uint8_t* copy = Hart::block_code(block);
    mov(r9, static_cast<uint64_t>(block.host));
    unsigned i = 0;
    for (; i + 8 <= block.bytes; i += 8) {
      uint64_t v;
      std::memcpy(&v, copy + i, 8);
      mov(r10, v);
      cmp(qword[r9 + i], r10);
      to_leave.push_back(jcc_forward(kNE));
    }
    for (; i < block.bytes; i += 2) {
      uint16_t v;
      std::memcpy(&v, copy + i, 2);
      cmp(word[r9 + i], static_cast<int16_t>(v));  // (Xbyak takes a 16-bit immediate as signed)
      to_leave.push_back(jcc_forward(kNE));
    }
  }

  BlockJit::Fn translate(const DecodedInsn* insns, unsigned count, const Hart::Block& block) {
    const BlockJit::Fn entry = getCurr<BlockJit::Fn>();
    const size_t start = getSize();
    deferred.clear();
    pending = 0;

    // Six pushes and 8 bytes: rsp 16-byte aligned for calls.
    push(rbx); push(rbp); push(r12); push(r13); push(r14); push(r15);
    sub(rsp, 8);
    mov(rbx, rdi);
    mov(r12, rsi);
    mov(r14, rdx);
    mov(rbp, rcx);
    lea(r15, ptr[rbx + off_x]);
    mov(r13, field(off_cycles));
    const Fixup to_body = jmp_forward();  // the loop has made the entry checks
    // The chain entry: rbx, rbp, r13, r14, r15 as set up here, r12 = pc,
    // rdx = the block that ran before.
    if (chain_offset == 0) chain_offset = getSize() - start;
    if (getSize() - start != chain_offset) throw std::logic_error("block translator: prologue size changed");
    std::vector<Fixup> to_leave;
    emit_entry_checks(block, to_leave);
    land(to_body);

    for (unsigned i = 0; i < count; ++i) {
      const DecodedInsn& d = insns[i];
      const Kind k = classify(d.exec);
      const bool last = i + 1 == count;
      const uint32_t next_offset = d.offset + d.len;
      bool may_stop = false;      // may set a run-stop flag (a call)
      bool next_in_npc = false;   // the next pc is the handler's npc
      if (last && (k.op == Op::kJal || k.op == Op::kJalr || k.op == Op::kBranch)) {
        emit_control(d, k);
        add(r13, d.cycles);
        mov(ecx, pending + 1);
        break;  // on to the exit, next
      }
      switch (k.op) {
        case Op::kLoad: emit_load(d, k); may_stop = true; break;
        case Op::kStore: emit_store(d, k); may_stop = true; break;
        case Op::kFaddD: case Op::kFsubD: case Op::kFmulD: case Op::kFdivD: case Op::kFcvtDW: case Op::kFcvtDWu:
          if (fp_inline(d, k.op)) {
            emit_fp(d, k.op);
          } else {
            emit_call(&d, pending);
            pending = 0;
            next_in_npc = true;
          }
          may_stop = true;
          break;
        case Op::kOther:
        case Op::kJal: case Op::kJalr: case Op::kBranch:  // (not last: cannot happen, blocks end at them)
          emit_call(&d, pending);
          pending = 0;
          may_stop = true;
          next_in_npc = true;
          break;
        default: emit_alu(d, k.op); break;
      }
      add(r13, d.cycles);
      ++pending;
      if (last) {
        if (next_in_npc) mov(rax, field(off_npc));
        else lea(rax, ptr[r12 + static_cast<int32_t>(next_offset)]);
        mov(ecx, pending);
        break;  // on to the exit, next
      }
      // The interpreter's checks after each instruction. An instruction
      // that neither calls out nor touches memory cannot set a run-stop
      // flag, so only the others are followed by that check.
      if (may_stop) {
        cmp(dword[rbx + off_run_stop], 0);
        exit_if(kNE, next_offset);
      }
      cmp(r13, r14);
      exit_if(kAE, next_offset);
    }

    std::vector<Fixup> to_exit;
    emit_chain(block, to_exit);

    // rax = next pc, ecx = instructions not yet counted, rdx = the block
    // that ran last (the loop's `prev`).
    for (Fixup f : to_exit) land(f);
    exit_this = getSize();
    mov(rdx, reinterpret_cast<uint64_t>(&block));
    const size_t exit_common = getSize();
    add(field(off_instret), rcx);
    mov(field(off_pc), rax);
    mov(field(off_npc), rax);
    mov(field(off_cycles), r13);
    mov(field(off_last_block), rdx);
    xor_(eax, eax);
    leave = getSize();
    add(rsp, 8);
    pop(r15); pop(r14); pop(r13); pop(r12); pop(rbp); pop(rbx);
    ret();

    // A failed entry check: this block did not run.
    for (Fixup f : to_leave) land(f);
    if (!to_leave.empty()) {
      mov(rax, r12);
      xor_(ecx, ecx);
      jmp_back(exit_common);
    }

    // Out of line: exits, traps and TLB-miss paths (which may add more).
    for (size_t k = 0; k < deferred.size(); ++k) {
      const Deferred it = deferred[k];  // a copy: emit_call() appends
      for (unsigned j = 0; j < it.jumps; ++j) land(it.from[j]);
      switch (it.what) {
        case Deferred::kExit:  // before the block's end: the loop goes on inside it (Hart::block_at_pc)
          mov(rdx, static_cast<uint64_t>(block.host + it.next_offset));
          mov(field(off_resume_host), rdx);
          lea(rax, ptr[r12 + static_cast<int32_t>(it.next_offset)]);
          mov(ecx, it.pending);
          jmp_back(exit_this);
          break;
        case Deferred::kTrap:
          mov(rax, reinterpret_cast<uint64_t>(it.d));
          jmp_back(leave);
          break;
        case Deferred::kSlow:
          // The handler does the access the slow way; the instructions
          // retired before it are counted for the call, and then taken
          // back to "pending" as the inline path has them.
          emit_call(it.d, it.pending);
          if (it.pending) sub(field(off_instret), it.pending);
          jmp_back(it.back);
          break;
      }
    }
    deferred.clear();
    return entry;
  }
};

BlockJit::BlockJit(Hart& hart) : gen_(std::make_unique<Generator>(hart)) {}
BlockJit::~BlockJit() = default;
bool BlockJit::available() { return true; }

namespace {
// /tmp/perf-PID.map, opened once per process when RVH_PERF_MAP=1 (null
// otherwise). Appended to, never followed through a link.
std::FILE* perf_map() {
  static std::FILE* const file = []() -> std::FILE* {
    const char* on = std::getenv("RVH_PERF_MAP");
    if (!on || std::strcmp(on, "1") != 0) return nullptr;
    const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::fprintf(stderr, "rvh-vp: RVH_PERF_MAP: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
      return nullptr;
    }
    return ::fdopen(fd, "a");
  }();
  return file;
}
}  // namespace

BlockJit::Fn BlockJit::translate(const void* block, uint64_t pc, const char* who) {
  const auto& b = *static_cast<const Hart::Block*>(block);
  if (gen_->getSize() + kMaxBlockCode > kCodeBytes) return nullptr;
  const uint8_t* const start = gen_->getCurr();
  Fn fn;
  try {
    fn = gen_->translate(Hart::block_insns(b), b.count, b);
  } catch (const std::exception&) {  // Xbyak's errors: treated as a full buffer
    return nullptr;
  }
  if (std::FILE* map = perf_map())
    std::fprintf(map, "%" PRIxPTR " %zx rvh:%s:%" PRIx64 "\n", reinterpret_cast<uintptr_t>(start),
                 static_cast<size_t>(gen_->getCurr() - start), who, pc);
  return fn;
}

void BlockJit::reset() { gen_->reset(); }
size_t BlockJit::bytes_used() const { return gen_->getSize(); }
size_t BlockJit::chain_offset() const { return gen_->chain_offset; }

#else  // no translator on this host

struct BlockJit::Generator {};
BlockJit::BlockJit(Hart&) {}
BlockJit::~BlockJit() = default;
bool BlockJit::available() { return false; }
BlockJit::Fn BlockJit::translate(const void*, uint64_t, const char*) { return nullptr; }
void BlockJit::reset() {}
size_t BlockJit::bytes_used() const { return 0; }
size_t BlockJit::chain_offset() const { return 0; }

#endif

}  // namespace rvh
