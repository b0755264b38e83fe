; kernel/trampoline.asm: where an application processor starts.
;
; A CPU woken by INIT-SIPI-SIPI starts in real mode at CS:IP = (vector <<
; 8):0000, i.e. at physical address vector << 12. kernel/smp.c copies this
; code to the page TRAMPOLINE_PA (below 1 MiB, reserved with the rest of
; the first MiB) and fills in the parameter block at its end before each
; SIPI. The CPU then goes
;
;   16-bit real mode   load a GDT that lives in this page, set CR0.PE
;   32-bit protected   PAE (+ PGE), CR3 = the trampoline's page tables,
;                      EFER.LME (+ NXE), CR0.PG: long mode, compatibility
;   64-bit             still at the low address: load the stack, jump to
;                      ap_entry (kernel/smp.c) in the higher half, which
;                      switches to the kernel's own page tables
;
; The trampoline's page tables (built by kernel/smp.c) are a copy of the
; kernel's upper half plus an identity map of this one page, which the
; CPU needs while it executes here with paging on. The kernel's own tables
; have no identity map at all.
;
; Everything is position-dependent on TRAMPOLINE_PA: labels are used as
; offsets from trampoline_start, which nasm resolves as plain numbers.

bits 16
default abs

%define TRAMPOLINE_PA	0x8000		; must match include/kernel/smp.h
%define T(x)		((x) - trampoline_start)
%define PA(x)		(TRAMPOLINE_PA + T(x))

%define CR0_PE		(1 << 0)
%define CR0_WP		(1 << 16)
%define CR0_PG		(1 << 31)
%define CR4_PAE		(1 << 5)
%define MSR_EFER	0xc0000080

section .rodata
align 16
global trampoline_start, trampoline_end, trampoline_params

trampoline_start:
	cli
	cld
	mov ax, cs			; cs = TRAMPOLINE_PA >> 4
	mov ds, ax
	mov byte [T(tp_stage)], 1	; "I woke up" (seen by the BSP)
	lgdt [T(tr_gdt_ptr)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword 0x08:PA(pm32)

bits 32
pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov byte [PA(tp_stage)], 2
	mov eax, [PA(tp_cr4)]		; PAE, and PGE when the BSP has it
	mov cr4, eax
	mov eax, [PA(tp_cr3)]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, [PA(tp_efer)]		; LME, and NXE when the BSP has it
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax
	jmp 0x18:PA(lm64)

bits 64
lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov byte [PA(tp_stage)], 3
	mov rsp, [PA(tp_stack)]
	mov edi, [PA(tp_cpu)]		; ap_entry(cpu)
	mov rax, [PA(tp_entry)]
	xor ebp, ebp			; terminates the backtrace
	push 0				; a return address of 0, as for a call
	jmp rax

align 16
tr_gdt:
	dq 0
	dq 0x00cf9a000000ffff		; 0x08: 32-bit code
	dq 0x00cf92000000ffff		; 0x10: data
	dq 0x00af9a000000ffff		; 0x18: 64-bit code
tr_gdt_end:
tr_gdt_ptr:
	dw tr_gdt_end - tr_gdt - 1
	dd PA(tr_gdt)

; The parameter block: struct trampoline_params in kernel/smp.c.
align 8
trampoline_params:
tp_cr3:		dd 0
tp_cr4:		dd 0
tp_efer:	dd 0
tp_cpu:		dd 0
tp_stack:	dq 0
tp_entry:	dq 0
tp_stage:	db 0
align 8
trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
