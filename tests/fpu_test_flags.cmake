# fpu_test cross-checks cpu/fpu against the host FPU under fesetround(); the
# compiler must not assume the default rounding mode or fold FP operations.
if(TARGET fpu_test)
  target_compile_options(fpu_test PRIVATE -frounding-math)
endif()
