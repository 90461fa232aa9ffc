//! Bitmasks of the JSON-structural bytes of 64-byte blocks: quotes, backslashes and
//! brackets, one bit per byte (bit `i` = byte `i`). With them the end of a record is found
//! a block at a time instead of a string at a time: the strings' extent comes from a
//! prefix XOR of the unescaped quotes, and only the brackets outside strings are visited.
//!
//! The byte compares use SSE2 (part of every x86-64 CPU) through `safe_arch`; other
//! targets use eight-bytes-at-a-time SWAR.

/// Bytes per block.
pub const BLOCK: usize = 64;

/// One block's structural bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Masks {
    pub quote: u64,
    pub backslash: u64,
    /// `{`, `[`, `}` and `]` (tell them apart with [`opens`] and [`is_square`]).
    pub bracket: u64,
}

/// Whether a bracket byte opens (`{`, `[`): bit 1 is set in those, clear in `}`, `]`.
#[inline]
pub fn opens(bracket: u8) -> bool {
    bracket & 0x02 != 0
}

/// Whether a bracket byte is `[` or `]` (bit 5 clear) rather than `{` or `}`.
#[inline]
pub fn is_square(bracket: u8) -> bool {
    bracket & 0x20 == 0
}

/// Classifies the 64 bytes of `block`. `[`/`{` and `]`/`}` differ only in bit 5 (0x20),
/// so each pair is found with one compare after setting that bit.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub fn classify(block: &[u8; BLOCK]) -> Masks {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let quote = set_splat_i8_m128i(b'"' as i8);
    let backslash = set_splat_i8_m128i(b'\\' as i8);
    let open = set_splat_i8_m128i(b'{' as i8);
    let close = set_splat_i8_m128i(b'}' as i8);
    let bit5 = set_splat_i8_m128i(0x20);
    let mut m = Masks::default();
    for (k, lane) in block.chunks_exact(16).enumerate() {
        let lane: &[u8; 16] = lane.try_into().unwrap_or(&[0; 16]);
        let v = load_unaligned_m128i(lane);
        let folded = bitor_m128i(v, bit5);
        let bits = |x, y| u64::from(move_mask_i8_m128i(cmp_eq_mask_i8_m128i(x, y)) as u16);
        let shift = 16 * k;
        m.quote |= bits(v, quote) << shift;
        m.backslash |= bits(v, backslash) << shift;
        let brackets = bitor_m128i(
            cmp_eq_mask_i8_m128i(folded, open),
            cmp_eq_mask_i8_m128i(folded, close),
        );
        m.bracket |= u64::from(move_mask_i8_m128i(brackets) as u16) << shift;
    }
    m
}

/// Portable version of [`classify`].
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub fn classify(block: &[u8; BLOCK]) -> Masks {
    classify_swar(block)
}

#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub fn classify_swar(block: &[u8; BLOCK]) -> Masks {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of each byte set where the byte equals `b` (exact: no borrow between bytes
    // because the test is done on the low 7 bits and the high bit separately).
    let eq = |w: u64, b: u8| {
        let x = w ^ (LO * u64::from(b));
        !(((x & !HI).wrapping_add(!HI)) | x) & HI
    };
    // Gathers bit 7 of each byte into the low 8 bits.
    let gather = |h: u64| ((h >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    let mut m = Masks::default();
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let f = w | (LO * 0x20);
        let shift = 8 * k;
        m.quote |= gather(eq(w, b'"')) << shift;
        m.backslash |= gather(eq(w, b'\\')) << shift;
        m.bracket |= gather(eq(f, b'{') | eq(f, b'}')) << shift;
    }
    m
}

/// Bits set for the characters escaped by a backslash (the one after an odd-length run of
/// backslashes). `carry` says whether the previous block ended in such a run, and is
/// updated for the next block.
#[inline]
pub fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    if backslash == 0 && *carry == 0 {
        return 0;
    }
    // A backslash escaped by the previous block does not start a run.
    let backslash = backslash & !*carry;
    let follows_escape = (backslash << 1) | *carry;
    let odd_starts = backslash & !EVEN & !follows_escape;
    let (even_starts, overflow) = odd_starts.overflowing_add(backslash);
    *carry = u64::from(overflow);
    let invert = even_starts << 1;
    (EVEN ^ invert) & follows_escape
}

/// Prefix XOR: bit `i` of the result is the XOR of bits `0..=i` of `x`. Applied to the
/// unescaped quotes it marks string openings and contents (not the closing quotes).
#[inline]
pub fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// A block's strings, given the state carried from the previous block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Carry {
    /// All ones when the previous block ended inside a string.
    pub in_string: u64,
    /// 1 when the previous block ended in an odd run of backslashes.
    pub escape: u64,
}

/// The unescaped quotes and the bytes inside strings (opening quote included, closing
/// quote excluded) of a block; advances `carry`.
#[inline]
pub fn strings(m: &Masks, carry: &mut Carry) -> (u64, u64) {
    let quotes = m.quote & !escaped(m.backslash, &mut carry.escape);
    let inside = prefix_xor(quotes) ^ carry.in_string;
    carry.in_string = ((inside as i64) >> 63) as u64;
    (quotes, inside)
}

/// For JSON text already known to be valid: the index just past the bracket that closes
/// the container opening at `pos` (None if the text ends first).
pub fn skip_balanced(text: &[u8], pos: usize) -> Option<usize> {
    let (mut depth, mut carry) = (0usize, Carry::default());
    let mut at = pos;
    let mut tail = [b' '; BLOCK];
    while at < text.len() {
        let block = match text.get(at..at + BLOCK) {
            Some(b) => b.try_into().ok()?,
            None => {
                tail[..text.len() - at].copy_from_slice(&text[at..]);
                &tail
            }
        };
        let m = classify(block);
        let (_, inside) = strings(&m, &mut carry);
        let mut brackets = m.bracket & !inside;
        while brackets != 0 {
            let bit = brackets.trailing_zeros() as usize;
            brackets &= brackets - 1;
            if opens(block[bit]) {
                depth += 1;
                continue;
            }
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at + bit + 1);
            }
        }
        at += BLOCK;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(block: &[u8; BLOCK]) -> Masks {
        let mut m = Masks::default();
        for (i, &b) in block.iter().enumerate() {
            let bit = 1u64 << i;
            match b {
                b'"' => m.quote |= bit,
                b'\\' => m.backslash |= bit,
                b'{' | b'[' | b'}' | b']' => m.bracket |= bit,
                _ => {}
            }
        }
        m
    }

    /// Inside-string bits computed byte by byte.
    fn naive_inside(text: &[u8]) -> Vec<bool> {
        let (mut inside, mut esc) = (false, false);
        text.iter()
            .map(|&b| {
                if inside {
                    if esc {
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'"' {
                        inside = false;
                        return false;
                    }
                    true
                } else {
                    inside = b == b'"';
                    inside
                }
            })
            .collect()
    }

    #[test]
    fn skips_balanced_containers() {
        let pad = "y".repeat(100);
        let text = format!(r#"[{{"a":"]}}{pad}\"]","b":[[{{}}],"\\"]}}] tail"#);
        let end = skip_balanced(text.as_bytes(), 0).unwrap();
        assert_eq!(&text[end..], " tail");
        assert_eq!(skip_balanced(b"{\"a\":[1,2]", 0), None);
    }

    #[test]
    fn bracket_kinds() {
        assert!(opens(b'{') && opens(b'[') && !opens(b'}') && !opens(b']'));
        assert!(is_square(b'[') && is_square(b']') && !is_square(b'{') && !is_square(b'}'));
    }

    proptest::proptest! {
        #[test]
        fn classify_matches_naive(bytes in proptest::collection::vec(
            proptest::sample::select(b"\"\\{}[]ab \x7b\x5b\xff\x00\x80".to_vec()), BLOCK)) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap();
            proptest::prop_assert_eq!(classify(&block), naive(&block));
            proptest::prop_assert_eq!(classify_swar(&block), naive(&block));
        }

        #[test]
        fn strings_match_naive(text in r#"("([ab]|\\\\|\\")*"|[ ab{}]){0,100}"#) {
            // Backslashes only inside strings (elsewhere they are not JSON).
            let bytes = text.as_bytes();
            let want = naive_inside(bytes);
            let mut carry = Carry::default();
            let mut got = Vec::new();
            for chunk in bytes.chunks(BLOCK) {
                let mut block = [b' '; BLOCK];
                block[..chunk.len()].copy_from_slice(chunk);
                let (_, inside) = strings(&classify(&block), &mut carry);
                got.extend((0..chunk.len()).map(|i| inside >> i & 1 == 1));
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn prefix_xor_marks_strings() {
        // "ab" "c"
        let quotes = 0b1001 | 0b11 << 5;
        assert_eq!(prefix_xor(quotes), 0b0111 | 0b1 << 5);
    }
}
