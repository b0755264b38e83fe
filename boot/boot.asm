; boot/boot.asm: from the boot loader to kernel_main() in 64-bit mode.
;
; GRUB (multiboot2) or `qemu -kernel` (multiboot1) enters _start in 32-bit
; protected mode with paging off, eax = the loader's magic and ebx = the
; physical address of its information block. This file:
;
;   1. checks CPUID for long mode and prints a readable error on COM1 if the
;      CPU lacks it (then exits QEMU with the panic status);
;   2. builds early page tables: the first 4 GiB identity-mapped and mapped
;      again at PAGE_OFFSET (the direct map), and the first 1 GiB mapped at
;      KERNEL_VMA (the kernel image), all with 2 MiB pages;
;   3. turns on PAE, EFER.LME (+ EFER.NXE when CPUID has NX) and paging;
;   4. far-jumps into 64-bit code, moves to the higher half and the kernel
;      stack, and calls kernel_main(magic, info_pa).
;
; Everything here runs at its physical address (section .boot.*, linked at
; KERNEL_PHYS), so no address arithmetic is needed before paging is on.
; mm/paging.c later replaces these tables and drops the identity map.

bits 32

%define KERNEL_VMA      0xffffffff80000000
%define MB1_MAGIC       0x1badb002
%define MB1_FLAGS       0x00010003      ; page-align, memory info, a.out kludge
%define MB2_MAGIC       0xe85250d6
%define MB2_ARCH_I386   0
%define COM1            0x3f8
%define DEBUG_EXIT_PORT 0xf4
%define EXIT_PANIC      0x12            ; must match include/kernel/exit.h

%define PTE_P           (1 << 0)
%define PTE_W           (1 << 1)
%define PTE_PS          (1 << 7)

extern kernel_main
extern _load_end_phys
extern _bss_end_phys
extern _kernel_phys_start

global _start
global boot_pml4

; ---------------------------------------------------------------------------
; Boot-loader headers. Both must lie near the start of the file: multiboot1
; within 8 KiB, multiboot2 within 32 KiB (the linker script puts this
; section first).

section .multiboot progbits alloc noexec nowrite align=8

align 4
mb1_header:
	dd MB1_MAGIC
	dd MB1_FLAGS
	dd -(MB1_MAGIC + MB1_FLAGS)
	; The a.out kludge: `qemu -kernel` refuses ELF64 files, so tell it where
	; to load the image as a flat binary. The linker script keeps the file
	; contiguous from the start of .boot to the end of .data.
	dd mb1_header                   ; header_addr
	dd _kernel_phys_start           ; load_addr
	dd _load_end_phys               ; load_end_addr
	dd _bss_end_phys                ; bss_end_addr (loader zeroes the bss)
	dd _start                       ; entry_addr

align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; end tag
	dw 0
	dw 0
	dd 8
mb2_header_end:

; ---------------------------------------------------------------------------
section .boot.text progbits alloc exec nowrite align=16

_start:
	cli
	cld
	mov esp, boot32_stack_top
	mov [boot_magic], eax
	mov [boot_info_pa], ebx

	call serial_init32
	call check_long_mode            ; does not return on failure
	call build_early_tables

	; PAE on, then CR3.
	mov eax, cr4
	or eax, (1 << 5)                ; CR4.PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax

	; EFER.LME, and EFER.NXE when CPUID 0x80000001 EDX bit 20 says NX.
	mov ecx, 0xc0000080
	rdmsr
	or eax, (1 << 8)                ; LME
	test dword [boot_has_nx], 1
	jz .no_nx
	or eax, (1 << 11)               ; NXE
.no_nx:
	wrmsr

	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1 ; PG, WP (write-protect honoured in ring 0), PE
	mov cr0, eax

	lgdt [gdt64_ptr]
	jmp 0x08:long_mode_low

; Initialise COM1: 115200 8N1, FIFO on. Used only for the "no long mode"
; message; kernel/serial.c initialises it again properly.
serial_init32:
	mov dx, COM1 + 1
	xor al, al
	out dx, al                      ; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al                      ; DLAB on
	mov dx, COM1 + 0
	mov al, 1
	out dx, al                      ; divisor 1 = 115200 baud
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al                      ; 8N1, DLAB off
	mov dx, COM1 + 2
	mov al, 0xc7
	out dx, al                      ; FIFO on, cleared
	ret

; esi = NUL-terminated string
serial_puts32:
.next:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov dx, COM1
	mov al, ah
	out dx, al
	jmp .next
.done:
	ret

check_long_mode:
	; CPUID present? (EFLAGS.ID can be toggled)
	pushfd
	pop eax
	mov ecx, eax
	xor eax, (1 << 21)
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	cmp eax, ecx
	je .no_cpuid
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, (1 << 29)             ; LM
	jz .no_long_mode
	shr edx, 20                     ; NX -> bit 0
	and edx, 1
	mov [boot_has_nx], edx
	ret
.no_cpuid:
	mov esi, msg_no_cpuid
	jmp boot_fail
.no_long_mode:
	mov esi, msg_no_lm
	; fall through
boot_fail:
	call serial_puts32
	mov dx, DEBUG_EXIT_PORT
	mov eax, EXIT_PANIC
	out dx, eax
.halt:
	hlt
	jmp .halt

; Identity-map and direct-map the first 4 GiB, and map the first 1 GiB at
; KERNEL_VMA, all with 2 MiB pages. The tables are in .boot.data, which the
; loader has already zeroed... except that a multiboot1 a.out load copies the
; file as is, so the tables are zero in the file itself.
build_early_tables:
	; four page directories, 2048 entries of 2 MiB each: pa = i << 21
	mov edi, boot_pd
	xor ecx, ecx
.fill_pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P | PTE_W | PTE_PS
	mov [edi + ecx * 8], eax
	mov eax, ecx
	shr eax, 11                     ; high dword: (i << 21) >> 32
	mov [edi + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .fill_pd

	; boot_pdpt_low[0..3] -> the four page directories
	mov edi, boot_pdpt_low
	mov eax, boot_pd + (PTE_P | PTE_W)
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .fill_pdpt

	; boot_pdpt_high[510] -> first page directory (pa 0..1 GiB at -2 GiB)
	mov dword [boot_pdpt_high + 510 * 8], boot_pd + (PTE_P | PTE_W)

	; PML4: [0] identity, [273] direct map (0xffff888000000000), [511] kernel
	mov dword [boot_pml4 + 0 * 8], boot_pdpt_low + (PTE_P | PTE_W)
	mov dword [boot_pml4 + 273 * 8], boot_pdpt_low + (PTE_P | PTE_W)
	mov dword [boot_pml4 + 511 * 8], boot_pdpt_high + (PTE_P | PTE_W)
	ret

bits 64
long_mode_low:
	mov edi, [abs boot_magic]       ; kernel_main(magic, info_pa)
	mov esi, [abs boot_info_pa]
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, long_mode_high
	jmp rax

; ---------------------------------------------------------------------------
section .boot.data progbits alloc noexec write align=4096

align 4096
boot_pml4:      times 512 dq 0
boot_pdpt_low:  times 512 dq 0
boot_pdpt_high: times 512 dq 0
boot_pd:        times 4 * 512 dq 0

align 16
boot32_stack:   times 1024 db 0
boot32_stack_top:

align 8
boot_magic:     dd 0
boot_info_pa:   dd 0
boot_has_nx:    dd 0

align 8
gdt64:
	dq 0                            ; null
	dq 0x00af9a000000ffff           ; 0x08: 64-bit code, DPL 0
	dq 0x00cf92000000ffff           ; 0x10: data, DPL 0
gdt64_end:
gdt64_ptr:
	dw gdt64_end - gdt64 - 1
	dd gdt64

msg_no_cpuid:
	db "kvlab: this CPU has no CPUID instruction; kvlab needs an x86_64 CPU", 13, 10, 0
msg_no_lm:
	db "kvlab: this CPU does not support long mode (x86_64); try qemu-system-x86_64 -cpu qemu64 or max", 13, 10, 0

; ---------------------------------------------------------------------------
; Higher half: from here on the code runs at KERNEL_VMA + pa.
section .text

long_mode_high:
	mov rsp, boot_stack_top
	xor ebp, ebp                    ; terminates the backtrace
	call kernel_main
.hang:
	cli
	hlt
	jmp .hang

; The kernel stack of the boot CPU (the only CPU). Page-aligned so that
; mm/paging.c can leave the page below it unmapped as a guard.
section .bss nobits alloc noexec write align=4096
global boot_stack_bottom, boot_stack_top
boot_stack_guard:  resb 4096
boot_stack_bottom: resb 16384
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
