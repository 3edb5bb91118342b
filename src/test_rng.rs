//! The tests' deterministic noise: Marsaglia's 32-bit xorshift, one generator for every module's tests.

/// The xorshift sequence after `seed` (which must not be 0).
pub(crate) fn xorshift32(mut seed: u32) -> impl FnMut() -> u32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    }
}
