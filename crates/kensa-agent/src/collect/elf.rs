//! Exploit mitigations of an executable, read from its ELF headers (goblin).
use std::io::Read;
use std::path::Path;

use goblin::elf::{dynamic, header, program_header, Elf};
use kensa_telemetry::{ElfHardening, Relro};

/// Executables larger than this are not read (memory stays bounded); a warning says so.
pub const MAX_ELF_BYTES: u64 = 256 << 20;

/// Reads and inspects the file at `path` (for a process: `/proc/PID/exe`, which works
/// even when the file on disk was replaced or deleted).
pub fn inspect_file(path: &Path) -> Result<ElfHardening, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_ELF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_ELF_BYTES {
        return Err(format!("larger than {MAX_ELF_BYTES} bytes; not inspected"));
    }
    inspect(&bytes)
}

/// The four mitigations checksec reports.
pub fn inspect(bytes: &[u8]) -> Result<ElfHardening, String> {
    let elf = Elf::parse(bytes).map_err(|e| format!("not a readable ELF file: {e}"))?;
    let has_segment = |kind| elf.program_headers.iter().any(|p| p.p_type == kind);
    // No PT_GNU_STACK means the loader gives an executable stack.
    let nx = elf
        .program_headers
        .iter()
        .find(|p| p.p_type == program_header::PT_GNU_STACK)
        .is_some_and(|p| p.p_flags & program_header::PF_X == 0);
    let dyn_value = |tag| {
        elf.dynamic
            .iter()
            .flat_map(|d| d.dyns.iter())
            .find(|d| d.d_tag == tag)
            .map(|d| d.d_val)
    };
    let bind_now = dyn_value(dynamic::DT_BIND_NOW).is_some()
        || dyn_value(dynamic::DT_FLAGS).is_some_and(|f| f & dynamic::DF_BIND_NOW != 0)
        || dyn_value(dynamic::DT_FLAGS_1).is_some_and(|f| f & dynamic::DF_1_NOW != 0);
    let relro = match (has_segment(program_header::PT_GNU_RELRO), bind_now) {
        (false, _) => Relro::None,
        (true, true) => Relro::Full,
        // A static executable resolves nothing lazily: its RELRO region covers it all.
        (true, false) if elf.dynamic.is_none() => Relro::Full,
        (true, false) => Relro::Partial,
    };
    let pie = elf.header.e_type == header::ET_DYN
        && (has_segment(program_header::PT_INTERP)
            || dyn_value(dynamic::DT_FLAGS_1).is_some_and(|f| f & dynamic::DF_1_PIE != 0)
            || elf.entry != 0);
    let is_canary =
        |name: Option<&str>| matches!(name, Some("__stack_chk_fail" | "__stack_chk_fail_local"));
    let stack_protector = elf
        .dynsyms
        .iter()
        .any(|s| is_canary(elf.dynstrtab.get_at(s.st_name)))
        || elf
            .syms
            .iter()
            .any(|s| is_canary(elf.strtab.get_at(s.st_name)));
    Ok(ElfHardening {
        nx,
        stack_protector,
        pie,
        relro,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(inspect(b"\x7fELF\x02\x01\x01garbage").is_err());
        assert!(inspect(b"").is_err());
    }
}
