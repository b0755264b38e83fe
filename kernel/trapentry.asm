; kernel/trapentry.asm: entry stubs for the 32 CPU exceptions and for the
; 224 interrupt vectors above them.
;
; Each stub makes the stack look the same (an error code, 0 when the CPU
; pushed none, then the vector), trap_common saves the general registers in
; the order of struct pt_regs (include/kernel/traps.h), calls
; trap_handler(regs) and returns with iretq, so the handler can resume
; anywhere by editing regs->rip (exception fixups). Interrupts (vectors
; 32-255) go the same way through irq_common to irq_entry(regs)
; (kernel/irq.c): an interrupt can arrive between any two instructions, so
; every register the C code may clobber is saved and restored.

bits 64
default rel

extern trap_handler
extern irq_entry

; The general registers, in the reverse order of struct pt_regs.
%macro SAVE_REGS 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro RESTORE_REGS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro

%macro IRQ_STUB 1
irq_stub_%1:
	push 0
	push %1
	jmp irq_common
%endmacro

%macro TRAP_NOERR 1
trap_stub_%1:
	push 0
	push %1
	jmp trap_common
%endmacro

%macro TRAP_ERR 1
trap_stub_%1:
	push %1
	jmp trap_common
%endmacro

section .text

; Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30.
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR   29
TRAP_ERR   30
TRAP_NOERR 31

trap_common:
	SAVE_REGS
	cld
	mov rdi, rsp            ; struct pt_regs *
	; 22 quadwords = 176 bytes are on the stack above the CPU's 16-byte
	; aligned frame start, so rsp is 16-byte aligned here, as calls need.
	call trap_handler
	RESTORE_REGS
	add rsp, 16             ; vector and error code
	iretq

%assign i 32
%rep 224
IRQ_STUB i
%assign i i+1
%endrep

; The same frame as trap_common (so struct pt_regs describes both); the
; CPU cleared IF on the way in (interrupt gates), and iretq restores it.
irq_common:
	SAVE_REGS
	cld
	mov rdi, rsp            ; struct pt_regs *
	call irq_entry
	RESTORE_REGS
	add rsp, 16             ; vector and the zero error code
	iretq

section .rodata
align 8
global trap_stub_table
trap_stub_table:
%assign i 0
%rep 32
	dq trap_stub_%+i
%assign i i+1
%endrep

global irq_stub_table
irq_stub_table:
%assign i 32
%rep 224
	dq irq_stub_%+i
%assign i i+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
