// fuzz_sc_main.h -- sc_main for the fuzz targets that need no SystemC bench.
// They link the platform libraries, hence libsystemc.so, which needs
// sc_main; libFuzzer's main() runs instead, so this is never called. (The
// SystemC benches get sc_main from tests/unit/gtest_sc_main.h.) Include it
// in the target's one translation unit.
#ifndef RVH_TESTS_FUZZ_FUZZ_SC_MAIN_H
#define RVH_TESTS_FUZZ_FUZZ_SC_MAIN_H

// C linkage, as SystemC declares it (sysc/kernel/sc_externs.h).
extern "C" int sc_main(int, char**) { return 0; }

#endif  // RVH_TESTS_FUZZ_FUZZ_SC_MAIN_H
