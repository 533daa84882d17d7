//! Lower-case hexadecimal: user keys and generated secrets written out,
//! Discord's public key and signatures read in.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lower-case hexadecimal, two digits a byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    text
}

/// Exactly `N` bytes written as `2 * N` hexadecimal digits, either case.
pub fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 {
        return None;
    }
    let mut bytes = [0u8; N];
    let digit = |b: u8| char::from(b).to_digit(16);
    for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        // Digit by digit: `from_str_radix` would take "+1" as a byte.
        *byte = (digit(pair[0])? << 4 | digit(pair[1])?) as u8;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_refuses_the_wrong_length_or_digits() {
        let bytes = [0x00, 0x7f, 0xa5, 0xff];
        assert_eq!(super::encode(&bytes), "007fa5ff");
        assert_eq!(super::decode::<4>("007FA5ff"), Some(bytes));
        assert_eq!(super::decode::<4>("007fa5f"), None);
        assert_eq!(super::decode::<4>("007fa5fg"), None);
        assert_eq!(super::decode::<2>("+1+1"), None);
    }
}
