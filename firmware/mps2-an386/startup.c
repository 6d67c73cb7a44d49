/* Reset and fault handling for the MPS2 AN386 board under QEMU: turn on
 * the FPU (the code is built for hard float), then newlib's rdimon start-up
 * (_start: .bss cleared, stack and heap from semihosting, constructors,
 * main, exit with main's status). A fault ends the run through semihosting
 * with a failure status instead of hanging the test. */
#include <stdint.h>

extern uint32_t __stack_top;
extern void _start(void);

void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);

/* The SysTick interrupt, for a program that counts its wraps (the self-tests'
 * instruction counter); none by default. */
__attribute__((weak)) void SysTick_Handler(void)
{
}

void Fault_Handler(void)
{
    /* SYS_EXIT (0x18) with ADP_Stopped_RunTimeErrorUnknown (0x20023). */
    register uint32_t op __asm__("r0") = 0x18;
    register uint32_t reason __asm__("r1") = 0x20023;
    __asm__ volatile("bkpt 0xab" : : "r"(op), "r"(reason) : "memory");
    for (;;) {
    }
}

void Reset_Handler(void)
{
    /* CPACR (0xE000ED88): full access to CP10 and CP11, before any FP instruction. */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    _start();
    Fault_Handler(); /* _start does not return */
}

/* Initial stack pointer, reset, then NMI, HardFault, MemManage, BusFault,
 * UsageFault, four reserved, SVCall, DebugMon, reserved, PendSV, SysTick. */
__attribute__((section(".isr_vector"), used)) static void (*const vector_table[16])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top,
    Reset_Handler,
    Fault_Handler,
    Fault_Handler,
    Fault_Handler,
    Fault_Handler,
    Fault_Handler,
    0,
    0,
    0,
    0,
    Fault_Handler,
    Fault_Handler,
    0,
    Fault_Handler,
    SysTick_Handler,
};
