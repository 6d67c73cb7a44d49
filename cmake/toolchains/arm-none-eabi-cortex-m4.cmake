# Cross-compiling for a Cortex-M4F with Debian's gcc-arm-none-eabi and
# newlib-nano: cmake --preset firmware-cm4 (CMakePresets.json) uses this file.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_SIZE arm-none-eabi-size)
set(CMAKE_NM arm-none-eabi-nm)
# Compiler checks link no program (there is no board yet at that point).
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(p11_cpu_flags "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
# Each function and datum in its own section, so --gc-sections drops what a
# profile does not reach.
set(CMAKE_C_FLAGS_INIT "${p11_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${p11_cpu_flags} -ffunction-sections -fdata-sections -fno-threadsafe-statics")
set(CMAKE_ASM_FLAGS_INIT "${p11_cpu_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${p11_cpu_flags} --specs=nano.specs -Wl,--gc-sections")

# Libraries and headers of the target come from the toolchain; build tools
# (Python, QEMU) from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
