; kernel/probe.asm: memory probes that survive a fault (include/kernel/fixup.h).
;
; Each probe has one instruction that may fault, listed in __ex_table with
; the place to resume, which returns -EFAULT (-14).

bits 64
default rel

%define EFAULT 14

%macro EX_TABLE 2
section __ex_table
	dq %1, %2
section .text
%endmacro

section .text

global probe_read_u8
probe_read_u8:                  ; int (const void *addr, u8 *out)
	xor eax, eax
probe_read_u8_insn:
	mov al, [rdi]
	mov [rsi], al
	xor eax, eax
	ret
probe_read_u8_fix:
	mov eax, -EFAULT
	ret
EX_TABLE probe_read_u8_insn, probe_read_u8_fix

global probe_read_u64
probe_read_u64:                 ; int (const void *addr, u64 *out)
probe_read_u64_insn:
	mov rax, [rdi]
	mov [rsi], rax
	xor eax, eax
	ret
probe_read_u64_fix:
	mov eax, -EFAULT
	ret
EX_TABLE probe_read_u64_insn, probe_read_u64_fix

global probe_write_u8
probe_write_u8:                 ; int (void *addr, u8 v)
probe_write_u8_insn:
	mov [rdi], sil
	xor eax, eax
	ret
probe_write_u8_fix:
	mov eax, -EFAULT
	ret
EX_TABLE probe_write_u8_insn, probe_write_u8_fix

global probe_write_u64
probe_write_u64:                ; int (void *addr, u64 v)
probe_write_u64_insn:
	mov [rdi], rsi
	xor eax, eax
	ret
probe_write_u64_fix:
	mov eax, -EFAULT
	ret
EX_TABLE probe_write_u64_insn, probe_write_u64_fix

; probe_exec cannot list the faulting instruction in advance: it is the
; target itself. The trap handler recognises a fault at rip ==
; probe_exec_target, pops the return address that `call` pushed and resumes
; at probe_exec_fixup.
global probe_exec, probe_exec_fixup, probe_exec_target
probe_exec:                     ; int (const void *addr)
	push rbp
	mov rbp, rsp
	mov [probe_exec_target], rdi
	call rdi
	xor eax, eax
	jmp probe_exec_done
probe_exec_fixup:
	mov eax, -EFAULT
probe_exec_done:
	mov qword [probe_exec_target], 0
	pop rbp
	ret

section .bss
align 8
probe_exec_target: resq 1

section .note.GNU-stack noalloc noexec nowrite progbits
