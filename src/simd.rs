//! Four-lane vectors for the hot loops, on the one SIMD instruction set each target is sure to have:
//! wasm simd128 (the wasm builds enable it: `.cargo/config.toml`), SSE2 on x86-64 (part of the
//! baseline, so no detection is needed), and plain arrays anywhere else. One step further where it
//! pays, natively: on x86-64 with AVX (detected at run time), kernels written over [`Wide`] and run
//! through [`with_wide`] do their f64 steps (the exact multiply-add, the cube root's Newton steps)
//! four lanes to one 256-bit register instead of two halves; SSIMULACRA2's colour conversion and
//! blurs are such kernels. Their lanes compute the same values, and a test compares them.
//!
//! Every kernel written with these types has a scalar twin (the plain code it replaces) and a test
//! that the two give identical output: the lanes do exactly the scalar arithmetic, in the same order,
//! with no fused multiply-add, so results match bit for bit. Kernels pick their path with
//! [`ACCELERATED`], a constant: the other path is compiled, tested and optimised away.
//!
//! Besides the C bindings (`codecs/webp/ffi.rs`), this is the crate's only `unsafe` code, for three
//! reasons. AVX instructions are sound only on a CPU that has them: [`with_wide`] checks first. The
//! x86 intrinsics are `#[target_feature]` functions, which Rust lets only `unsafe` code call even
//! where the feature is enabled for the whole build, as SSE2 is on x86-64: each such call is sound
//! (wasm's simd128 arithmetic is safe to call, and is called without `unsafe`). And loading a vector
//! from memory or storing one takes a raw pointer: every load and store first takes a subslice of
//! exactly 16 bytes (which panics, never reads out of bounds, if the slice is short), then reads or
//! writes those bytes unaligned, which both instruction sets allow.
#![allow(unsafe_code)]

/// Whether the vectors map to real SIMD instructions on this target (otherwise they are arrays, and
/// kernels take their scalar twins).
pub const ACCELERATED: bool = cfg!(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
));

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy, Debug)]
    pub struct F32x4(v128);
    #[derive(Clone, Copy, Debug)]
    pub struct I32x4(v128);
    #[derive(Clone, Copy, Debug)]
    pub struct I16x8(v128);

    impl F32x4 {
        #[inline(always)]
        pub fn splat(v: f32) -> Self {
            F32x4(f32x4_splat(v))
        }
        #[inline(always)]
        pub fn new(a: f32, b: f32, c: f32, d: f32) -> Self {
            F32x4(f32x4(a, b, c, d))
        }
        /// The first four values of `s`.
        #[inline(always)]
        pub fn load(s: &[f32]) -> Self {
            let s = &s[..4];
            // SAFETY: `s` holds exactly 16 readable bytes; wasm loads need no alignment.
            F32x4(unsafe { v128_load(s.as_ptr().cast()) })
        }
        /// Writes the four lanes to the start of `s`.
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: `s` holds exactly 16 writable bytes; wasm stores need no alignment.
            unsafe { v128_store(s.as_mut_ptr().cast(), self.0) }
        }
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            F32x4(f32x4_pmin(self.0, o.0))
        }
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            F32x4(f32x4_pmax(self.0, o.0))
        }
        #[inline(always)]
        pub fn abs(self) -> Self {
            F32x4(f32x4_abs(self.0))
        }
        /// Lanes where `self < o`: all ones, else zero.
        #[inline(always)]
        pub fn lt(self, o: Self) -> Self {
            F32x4(f32x4_lt(self.0, o.0))
        }
        /// Lanes where `self >= o`: all ones, else zero.
        #[inline(always)]
        pub fn ge(self, o: Self) -> Self {
            F32x4(f32x4_ge(self.0, o.0))
        }
        /// `if mask { a } else { b }`, lane by lane (`mask` from a comparison).
        #[inline(always)]
        pub fn select(mask: Self, a: Self, b: Self) -> Self {
            F32x4(v128_bitselect(a.0, b.0, mask.0))
        }
        /// `self` with the sign of `sign`.
        #[inline(always)]
        pub fn copysign(self, sign: Self) -> Self {
            let bit = f32x4_splat(-0.0);
            F32x4(v128_or(v128_andnot(self.0, bit), v128_and(sign.0, bit)))
        }
        /// Number of lanes whose mask is set.
        #[inline(always)]
        pub fn mask_count(self) -> u32 {
            i32x4_bitmask(self.0).count_ones()
        }
        /// Rounds toward zero, as `as i32` does (saturating).
        #[inline(always)]
        pub fn trunc_i32(self) -> I32x4 {
            I32x4(i32x4_trunc_sat_f32x4(self.0))
        }
        /// `self * b + c` rounded once to f32, as a fused multiply-add: computed in f64, where the
        /// product of two f32 is exact, then rounded to f32 (a second rounding that can differ from
        /// a true fused one only when the f64 sum lies exactly halfway between two f32, which
        /// the scalar twin [`super::fma_via_f64`] shares).
        #[inline(always)]
        pub fn mul_add_exact(self, b: Self, c: Self) -> Self {
            let half = |v: v128, hi: bool| {
                if hi {
                    f64x2_promote_low_f32x4(i64x2_shuffle::<1, 1>(v, v))
                } else {
                    f64x2_promote_low_f32x4(v)
                }
            };
            let part = |hi| f64x2_add(f64x2_mul(half(self.0, hi), half(b.0, hi)), half(c.0, hi));
            let (lo, hi) = (
                f32x4_demote_f64x2_zero(part(false)),
                f32x4_demote_f64x2_zero(part(true)),
            );
            F32x4(i64x2_shuffle::<0, 2>(lo, hi))
        }
        /// The cube root of [`super::cbrt`], lane by lane with the same operations (the integer
        /// estimate's division by 3 as a widening multiply, exact).
        #[inline(always)]
        pub fn cbrt(self) -> Self {
            let bits = self.0;
            let mag = v128_and(bits, i32x4_splat(0x7fff_ffff));
            // mag / 3 for mag < 2^31, exactly (as the scalar integer division): the high bits of
            // mag * ceil(2^33 / 3), a widening multiply (simd128 has no integer division).
            let m = u32x4_splat(0xaaaa_aaab);
            let (lo, hi) = (
                u64x2_shr(u64x2_extmul_low_u32x4(mag, m), 33),
                u64x2_shr(u64x2_extmul_high_u32x4(mag, m), 33),
            );
            let q = i32x4_shuffle::<0, 2, 4, 6>(lo, hi);
            let estimate = v128_or(
                v128_and(bits, i32x4_splat(i32::MIN)),
                i32x4_add(q, i32x4_splat(super::CBRT_B1 as i32)),
            );
            let half = |v: v128, hi: bool| {
                f64x2_promote_low_f32x4(if hi { i64x2_shuffle::<1, 1>(v, v) } else { v })
            };
            let newton = |hi: bool| {
                let (x, mut t) = (half(bits, hi), half(estimate, hi));
                for _ in 0..2 {
                    let r = f64x2_mul(f64x2_mul(t, t), t);
                    t = f64x2_div(
                        f64x2_mul(t, f64x2_add(f64x2_add(x, x), r)),
                        f64x2_add(f64x2_add(x, r), r),
                    );
                }
                f32x4_demote_f64x2_zero(t)
            };
            F32x4(i64x2_shuffle::<0, 2>(newton(false), newton(true)))
        }
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        /// Rows to columns: lane j of output i is lane i of input j.
        #[inline(always)]
        pub fn transpose(r: [Self; 4]) -> [Self; 4] {
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(r[0].0, r[1].0);
            let t1 = i32x4_shuffle::<0, 4, 1, 5>(r[2].0, r[3].0);
            let t2 = i32x4_shuffle::<2, 6, 3, 7>(r[0].0, r[1].0);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(r[2].0, r[3].0);
            [
                F32x4(i64x2_shuffle::<0, 2>(t0, t1)),
                F32x4(i64x2_shuffle::<1, 3>(t0, t1)),
                F32x4(i64x2_shuffle::<0, 2>(t2, t3)),
                F32x4(i64x2_shuffle::<1, 3>(t2, t3)),
            ]
        }
        /// Even and odd lanes of the eight values `a`, `b`.
        #[inline(always)]
        pub fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            (
                F32x4(i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0)),
                F32x4(i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0)),
            )
        }
    }

    impl core::ops::Add for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
    }
    impl core::ops::Sub for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            F32x4(f32x4_sub(self.0, o.0))
        }
    }
    impl core::ops::Mul for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
    }
    impl core::ops::Div for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            F32x4(f32x4_div(self.0, o.0))
        }
    }

    /// Four f64 lanes as two f64x2 halves (low lanes first): f32 lanes widened where the arithmetic
    /// after them is in f64.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x4(v128, v128);

    impl F64x4 {
        /// The four lanes of `v`, exactly.
        #[inline(always)]
        pub fn from_f32(v: F32x4) -> Self {
            F64x4(
                f64x2_promote_low_f32x4(v.0),
                f64x2_promote_low_f32x4(i64x2_shuffle::<1, 1>(v.0, v.0)),
            )
        }
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            let v = f64x2_splat(v);
            F64x4(v, v)
        }
        /// Lanes above 0 kept, the rest (NaN too) +0: a mask, no branch.
        #[inline(always)]
        pub fn positive_part(self) -> Self {
            let zero = f64x2_splat(0.0);
            let part = |v: v128| v128_and(v, f64x2_gt(v, zero));
            F64x4(part(self.0), part(self.1))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 4] {
            [
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
                f64x2_extract_lane::<0>(self.1),
                f64x2_extract_lane::<1>(self.1),
            ]
        }
    }

    macro_rules! f64x4_op {
        ($trait:ident, $method:ident, $op:ident) => {
            impl core::ops::$trait for F64x4 {
                type Output = Self;
                #[inline(always)]
                fn $method(self, o: Self) -> Self {
                    F64x4($op(self.0, o.0), $op(self.1, o.1))
                }
            }
        };
    }
    f64x4_op!(Add, add, f64x2_add);
    f64x4_op!(Sub, sub, f64x2_sub);
    f64x4_op!(Mul, mul, f64x2_mul);
    f64x4_op!(Div, div, f64x2_div);

    impl I32x4 {
        /// Four little-endian 32-bit lanes from the first 16 bytes of `s`.
        #[inline(always)]
        pub fn load_bytes(s: &[u8]) -> Self {
            let s = &s[..16];
            // SAFETY: `s` holds exactly 16 readable bytes; wasm loads need no alignment.
            I32x4(unsafe { v128_load(s.as_ptr().cast()) })
        }
        #[inline(always)]
        pub fn splat(v: i32) -> Self {
            I32x4(i32x4_splat(v))
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            I32x4(v128_and(self.0, o.0))
        }
        /// Logical shift right.
        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            I32x4(u32x4_shr(self.0, n))
        }
        #[inline(always)]
        pub fn to_f32(self) -> F32x4 {
            F32x4(f32x4_convert_i32x4(self.0))
        }
        /// Whether every lane equals `o`'s.
        #[inline(always)]
        pub fn all_eq(self, o: Self) -> bool {
            i32x4_all_true(i32x4_eq(self.0, o.0))
        }
        /// Whether the four RGBA8 pixels in `self` and the four in `o` are all opaque (alpha 255).
        #[inline(always)]
        pub fn all_opaque(self, o: Self) -> bool {
            i32x4_all_true(u32x4_ge(v128_and(self.0, o.0), u32x4_splat(0xff00_0000)))
        }
        /// `self` plus the squared differences of R, G and B between the four RGBA8 pixels `a` and
        /// `b`, as wrapping u32 lanes: the lanes' total grows by the pixels' sum (not lane by pixel).
        #[inline(always)]
        pub fn add_rgb_squared_error(self, a: Self, b: Self) -> Self {
            let d = v128_or(u8x16_sub_sat(a.0, b.0), u8x16_sub_sat(b.0, a.0));
            let d = v128_and(d, i32x4_splat(0x00ff_ffff));
            let lo = i32x4_extadd_pairwise_u16x8(u16x8_extmul_low_u8x16(d, d));
            let hi = i32x4_extadd_pairwise_u16x8(u16x8_extmul_high_u8x16(d, d));
            I32x4(i32x4_add(self.0, i32x4_add(lo, hi)))
        }
        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            [
                i32x4_extract_lane::<0>(self.0),
                i32x4_extract_lane::<1>(self.0),
                i32x4_extract_lane::<2>(self.0),
                i32x4_extract_lane::<3>(self.0),
            ]
        }
    }

    impl I16x8 {
        /// Eight lanes from two of four, saturated to 16 bits.
        #[inline(always)]
        pub fn narrow(a: I32x4, b: I32x4) -> Self {
            I16x8(i16x8_narrow_i32x4(a.0, b.0))
        }
        #[inline(always)]
        pub fn load(s: &[i16]) -> Self {
            let s = &s[..8];
            // SAFETY: `s` holds exactly 16 readable bytes; wasm loads need no alignment.
            I16x8(unsafe { v128_load(s.as_ptr().cast()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [i16]) {
            let s = &mut s[..8];
            // SAFETY: `s` holds exactly 16 writable bytes; wasm stores need no alignment.
            unsafe { v128_store(s.as_mut_ptr().cast(), self.0) }
        }
        /// Bit i set where lane i is nonzero.
        #[inline(always)]
        pub fn nonzero_bits(self) -> u8 {
            !(i16x8_bitmask(i16x8_eq(self.0, i16x8_splat(0))))
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::*;

    #[derive(Clone, Copy, Debug)]
    pub struct F32x4(__m128);
    #[derive(Clone, Copy, Debug)]
    pub struct I32x4(__m128i);
    #[derive(Clone, Copy, Debug)]
    pub struct I16x8(__m128i);

    impl F32x4 {
        #[inline(always)]
        pub fn splat(v: f32) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_set1_ps(v)) }
        }
        #[inline(always)]
        pub fn new(a: f32, b: f32, c: f32, d: f32) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_setr_ps(a, b, c, d)) }
        }
        #[inline(always)]
        pub fn load(s: &[f32]) -> Self {
            let s = &s[..4];
            // SAFETY: `s` holds exactly 16 readable bytes; `loadu` needs no alignment.
            F32x4(unsafe { _mm_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: `s` holds exactly 16 writable bytes; `storeu` needs no alignment.
            unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        /// Pseudo-minimum (`o < self ? o : self`), as wasm's `pmin`: no NaN reaches it here.
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_min_ps(o.0, self.0)) }
        }
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_max_ps(o.0, self.0)) }
        }
        #[inline(always)]
        pub fn abs(self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_andnot_ps(_mm_set1_ps(-0.0), self.0)) }
        }
        #[inline(always)]
        pub fn lt(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_cmplt_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub fn ge(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_cmpge_ps(self.0, o.0)) }
        }
        #[inline(always)]
        pub fn select(mask: Self, a: Self, b: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                F32x4(_mm_or_ps(
                    _mm_and_ps(mask.0, a.0),
                    _mm_andnot_ps(mask.0, b.0),
                ))
            }
        }
        #[inline(always)]
        pub fn copysign(self, sign: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let bit = _mm_set1_ps(-0.0);
                F32x4(_mm_or_ps(
                    _mm_andnot_ps(bit, self.0),
                    _mm_and_ps(bit, sign.0),
                ))
            }
        }
        #[inline(always)]
        pub fn mask_count(self) -> u32 {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { (_mm_movemask_ps(self.0) as u32).count_ones() }
        }
        /// Rounds toward zero; the lanes must be within `i32` (they are, where used).
        #[inline(always)]
        pub fn trunc_i32(self) -> I32x4 {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { I32x4(_mm_cvttps_epi32(self.0)) }
        }
        /// `self * b + c` rounded once to f32, as a fused multiply-add (see the wasm twin).
        #[inline(always)]
        pub fn mul_add_exact(self, b: Self, c: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let part = |a: __m128, b: __m128, c: __m128| {
                    _mm_cvtpd_ps(_mm_add_pd(
                        _mm_mul_pd(_mm_cvtps_pd(a), _mm_cvtps_pd(b)),
                        _mm_cvtps_pd(c),
                    ))
                };
                let high = |v: __m128| _mm_movehl_ps(v, v);
                let lo = part(self.0, b.0, c.0);
                let hi = part(high(self.0), high(b.0), high(c.0));
                F32x4(_mm_movelh_ps(lo, hi))
            }
        }
        /// The cube root of [`super::cbrt`], lane by lane with the same operations (see the wasm
        /// twin).
        #[inline(always)]
        pub fn cbrt(self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let bits = _mm_castps_si128(self.0);
                let mag = _mm_and_si128(bits, _mm_set1_epi32(0x7fff_ffff));
                let third =
                    |v: __m128i| _mm_cvttpd_epi32(_mm_div_pd(_mm_cvtepi32_pd(v), _mm_set1_pd(3.0)));
                let q = _mm_unpacklo_epi64(third(mag), third(_mm_srli_si128::<8>(mag)));
                let estimate = _mm_castsi128_ps(_mm_or_si128(
                    _mm_and_si128(bits, _mm_set1_epi32(i32::MIN)),
                    _mm_add_epi32(q, _mm_set1_epi32(super::CBRT_B1 as i32)),
                ));
                let newton = |x: __m128d, mut t: __m128d| {
                    for _ in 0..2 {
                        let r = _mm_mul_pd(_mm_mul_pd(t, t), t);
                        t = _mm_div_pd(
                            _mm_mul_pd(t, _mm_add_pd(_mm_add_pd(x, x), r)),
                            _mm_add_pd(_mm_add_pd(x, r), r),
                        );
                    }
                    _mm_cvtpd_ps(t)
                };
                let high = |v: __m128| _mm_movehl_ps(v, v);
                let lo = newton(_mm_cvtps_pd(self.0), _mm_cvtps_pd(estimate));
                let hi = newton(_mm_cvtps_pd(high(self.0)), _mm_cvtps_pd(high(estimate)));
                F32x4(_mm_movelh_ps(lo, hi))
            }
        }
        pub fn to_array(self) -> [f32; 4] {
            let mut out = [0.0; 4];
            self.store(&mut out);
            out
        }
        #[inline(always)]
        pub fn transpose(r: [Self; 4]) -> [Self; 4] {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let t0 = _mm_unpacklo_ps(r[0].0, r[1].0);
                let t1 = _mm_unpacklo_ps(r[2].0, r[3].0);
                let t2 = _mm_unpackhi_ps(r[0].0, r[1].0);
                let t3 = _mm_unpackhi_ps(r[2].0, r[3].0);
                [
                    F32x4(_mm_movelh_ps(t0, t1)),
                    F32x4(_mm_movehl_ps(t1, t0)),
                    F32x4(_mm_movelh_ps(t2, t3)),
                    F32x4(_mm_movehl_ps(t3, t2)),
                ]
            }
        }
        #[inline(always)]
        pub fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                (
                    F32x4(_mm_shuffle_ps::<0b10_00_10_00>(a.0, b.0)),
                    F32x4(_mm_shuffle_ps::<0b11_01_11_01>(a.0, b.0)),
                )
            }
        }
    }

    impl core::ops::Add for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_add_ps(self.0, o.0)) }
        }
    }
    impl core::ops::Sub for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_sub_ps(self.0, o.0)) }
        }
    }
    impl core::ops::Mul for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_mul_ps(self.0, o.0)) }
        }
    }
    impl core::ops::Div for F32x4 {
        type Output = Self;
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_div_ps(self.0, o.0)) }
        }
    }

    /// [`F32x4`] whose f64 steps (the exact multiply-add, the cube root's Newton steps) take one
    /// 256-bit AVX register where SSE2 takes two halves; everything else is [`F32x4`]'s. Only
    /// kernels that [`super::with_wide`] runs after it has detected AVX ever hold one, which is what
    /// makes its AVX instructions sound.
    #[derive(Clone, Copy, Debug)]
    pub struct Avx(pub F32x4);

    impl Avx {
        #[inline(always)]
        pub fn mul_add_exact(self, b: Self, c: Self) -> Self {
            // SAFETY: AVX is present (see the type's docs).
            unsafe {
                // No closures here: one would be compiled apart, without AVX, and call the
                // intrinsics rather than inline them.
                let (a, b, c) = (
                    _mm256_cvtps_pd(self.0 .0),
                    _mm256_cvtps_pd(b.0 .0),
                    _mm256_cvtps_pd(c.0 .0),
                );
                Avx(F32x4(_mm256_cvtpd_ps(_mm256_add_pd(
                    _mm256_mul_pd(a, b),
                    c,
                ))))
            }
        }
        #[inline(always)]
        pub fn cbrt(self) -> Self {
            // SAFETY: AVX is present (see the type's docs).
            Avx(F32x4(unsafe { cbrt_avx(self.0 .0) }))
        }
    }

    /// [`F32x4::cbrt`] with its two halves in one register: the same operations on each lane. Not
    /// inlined, as the SSE2 one is not (one copy of a long routine serves every call).
    #[target_feature(enable = "avx")]
    #[inline(never)]
    fn cbrt_avx(v: __m128) -> __m128 {
        let bits = _mm_castps_si128(v);
        let mag = _mm_and_si128(bits, _mm_set1_epi32(0x7fff_ffff));
        let third =
            _mm256_cvttpd_epi32(_mm256_div_pd(_mm256_cvtepi32_pd(mag), _mm256_set1_pd(3.0)));
        let estimate = _mm_castsi128_ps(_mm_or_si128(
            _mm_and_si128(bits, _mm_set1_epi32(i32::MIN)),
            _mm_add_epi32(third, _mm_set1_epi32(super::CBRT_B1 as i32)),
        ));
        let x = _mm256_cvtps_pd(v);
        let mut t = _mm256_cvtps_pd(estimate);
        for _ in 0..2 {
            let r = _mm256_mul_pd(_mm256_mul_pd(t, t), t);
            t = _mm256_div_pd(
                _mm256_mul_pd(t, _mm256_add_pd(_mm256_add_pd(x, x), r)),
                _mm256_add_pd(_mm256_add_pd(x, r), r),
            );
        }
        _mm256_cvtpd_ps(t)
    }

    macro_rules! avx_op {
        ($trait:ident, $method:ident) => {
            impl core::ops::$trait for Avx {
                type Output = Self;
                #[inline(always)]
                fn $method(self, o: Self) -> Self {
                    Avx(core::ops::$trait::$method(self.0, o.0))
                }
            }
        };
    }
    avx_op!(Add, add);
    avx_op!(Sub, sub);
    avx_op!(Mul, mul);
    avx_op!(Div, div);

    /// Runs `kernel` on [`Avx`] lanes, compiled for AVX throughout: the kernel's inlined body then
    /// uses the VEX forms of its SSE2 instructions too, with no costly switches between the two.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX.
    #[target_feature(enable = "avx")]
    pub unsafe fn run_avx<K: super::WideKernel>(kernel: K) -> K::Output {
        kernel.run::<Avx>()
    }

    /// Four f64 lanes as two halves (see the wasm twin).
    #[derive(Clone, Copy, Debug)]
    pub struct F64x4(__m128d, __m128d);

    impl F64x4 {
        /// The four lanes of `v`, exactly.
        #[inline(always)]
        pub fn from_f32(v: F32x4) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F64x4(_mm_cvtps_pd(v.0), _mm_cvtps_pd(_mm_movehl_ps(v.0, v.0))) }
        }
        #[inline(always)]
        pub fn splat(v: f64) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            let v = unsafe { _mm_set1_pd(v) };
            F64x4(v, v)
        }
        /// Lanes above 0 kept, the rest (NaN too) +0: a mask, no branch.
        #[inline(always)]
        pub fn positive_part(self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            let part = |v| unsafe { _mm_and_pd(v, _mm_cmpgt_pd(v, _mm_setzero_pd())) };
            F64x4(part(self.0), part(self.1))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 4] {
            let mut out = [0.0; 4];
            // SAFETY: the instruction set is enabled for the whole build; `out` holds the 32
            // bytes written, and `storeu` needs no alignment.
            unsafe {
                _mm_storeu_pd(out.as_mut_ptr(), self.0);
                _mm_storeu_pd(out[2..].as_mut_ptr(), self.1);
            }
            out
        }
    }

    macro_rules! f64x4_op {
        ($trait:ident, $method:ident, $op:ident) => {
            impl core::ops::$trait for F64x4 {
                type Output = Self;
                #[inline(always)]
                fn $method(self, o: Self) -> Self {
                    // SAFETY: the instruction set is enabled for the whole build (see the module
                    // docs).
                    unsafe { F64x4($op(self.0, o.0), $op(self.1, o.1)) }
                }
            }
        };
    }
    f64x4_op!(Add, add, _mm_add_pd);
    f64x4_op!(Sub, sub, _mm_sub_pd);
    f64x4_op!(Mul, mul, _mm_mul_pd);
    f64x4_op!(Div, div, _mm_div_pd);

    impl I32x4 {
        #[inline(always)]
        pub fn load_bytes(s: &[u8]) -> Self {
            let s = &s[..16];
            // SAFETY: `s` holds exactly 16 readable bytes; `loadu` needs no alignment.
            I32x4(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
        }
        #[inline(always)]
        pub fn splat(v: i32) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { I32x4(_mm_set1_epi32(v)) }
        }
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { I32x4(_mm_and_si128(self.0, o.0)) }
        }
        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { I32x4(_mm_srl_epi32(self.0, _mm_cvtsi32_si128(n as i32))) }
        }
        #[inline(always)]
        pub fn to_f32(self) -> F32x4 {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { F32x4(_mm_cvtepi32_ps(self.0)) }
        }
        #[inline(always)]
        pub fn all_eq(self, o: Self) -> bool {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { _mm_movemask_epi8(_mm_cmpeq_epi32(self.0, o.0)) == 0xffff }
        }
        #[inline(always)]
        pub fn all_opaque(self, o: Self) -> bool {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let alpha = _mm_cmpeq_epi8(_mm_and_si128(self.0, o.0), _mm_set1_epi8(-1));
                (_mm_movemask_epi8(alpha) & 0x8888) == 0x8888
            }
        }
        #[inline(always)]
        pub fn add_rgb_squared_error(self, a: Self, b: Self) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let d = _mm_or_si128(_mm_subs_epu8(a.0, b.0), _mm_subs_epu8(b.0, a.0));
                let d = _mm_and_si128(d, _mm_set1_epi32(0x00ff_ffff));
                let zero = _mm_setzero_si128();
                let (lo, hi) = (_mm_unpacklo_epi8(d, zero), _mm_unpackhi_epi8(d, zero));
                let sum = _mm_add_epi32(_mm_madd_epi16(lo, lo), _mm_madd_epi16(hi, hi));
                I32x4(_mm_add_epi32(self.0, sum))
            }
        }
        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            let mut out = [0i32; 4];
            // SAFETY: `out` holds exactly 16 writable bytes; `storeu` needs no alignment.
            unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), self.0) };
            out
        }
    }

    impl I16x8 {
        #[inline(always)]
        pub fn narrow(a: I32x4, b: I32x4) -> Self {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe { I16x8(_mm_packs_epi32(a.0, b.0)) }
        }
        #[inline(always)]
        pub fn load(s: &[i16]) -> Self {
            let s = &s[..8];
            // SAFETY: `s` holds exactly 16 readable bytes; `loadu` needs no alignment.
            I16x8(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
        }
        #[inline(always)]
        pub fn store(self, s: &mut [i16]) {
            let s = &mut s[..8];
            // SAFETY: `s` holds exactly 16 writable bytes; `storeu` needs no alignment.
            unsafe { _mm_storeu_si128(s.as_mut_ptr().cast(), self.0) }
        }
        #[inline(always)]
        pub fn nonzero_bits(self) -> u8 {
            // SAFETY: the instruction set is enabled for the whole build (see the module docs).
            unsafe {
                let zero = _mm_cmpeq_epi16(self.0, _mm_setzero_si128());
                let bytes = _mm_packs_epi16(zero, _mm_setzero_si128());
                !(_mm_movemask_epi8(bytes) as u8)
            }
        }
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
mod imp {
    //! Plain arrays: the same interface where no SIMD is known to exist (kernels then take their
    //! scalar twins, so this only has to be correct).

    #[derive(Clone, Copy, Debug)]
    pub struct F32x4([f32; 4]);
    #[derive(Clone, Copy, Debug)]
    pub struct I32x4([i32; 4]);
    #[derive(Clone, Copy, Debug)]
    pub struct I16x8([i16; 8]);

    fn mask(b: bool) -> f32 {
        f32::from_bits(if b { u32::MAX } else { 0 })
    }

    impl F32x4 {
        pub fn splat(v: f32) -> Self {
            F32x4([v; 4])
        }
        pub fn new(a: f32, b: f32, c: f32, d: f32) -> Self {
            F32x4([a, b, c, d])
        }
        pub fn load(s: &[f32]) -> Self {
            F32x4([s[0], s[1], s[2], s[3]])
        }
        pub fn store(self, s: &mut [f32]) {
            s[..4].copy_from_slice(&self.0);
        }
        fn map2(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            F32x4(core::array::from_fn(|i| f(self.0[i], o.0[i])))
        }
        pub fn min(self, o: Self) -> Self {
            self.map2(o, |a, b| if b < a { b } else { a })
        }
        pub fn max(self, o: Self) -> Self {
            self.map2(o, |a, b| if a < b { b } else { a })
        }
        pub fn abs(self) -> Self {
            F32x4(self.0.map(f32::abs))
        }
        pub fn lt(self, o: Self) -> Self {
            self.map2(o, |a, b| mask(a < b))
        }
        pub fn ge(self, o: Self) -> Self {
            self.map2(o, |a, b| mask(a >= b))
        }
        pub fn select(m: Self, a: Self, b: Self) -> Self {
            F32x4(core::array::from_fn(|i| {
                f32::from_bits(
                    (m.0[i].to_bits() & a.0[i].to_bits()) | (!m.0[i].to_bits() & b.0[i].to_bits()),
                )
            }))
        }
        pub fn copysign(self, sign: Self) -> Self {
            self.map2(sign, f32::copysign)
        }
        pub fn mask_count(self) -> u32 {
            self.0.iter().filter(|v| v.to_bits() != 0).count() as u32
        }
        pub fn trunc_i32(self) -> I32x4 {
            I32x4(self.0.map(|v| v as i32))
        }
        pub fn mul_add_exact(self, b: Self, c: Self) -> Self {
            F32x4(core::array::from_fn(|i| {
                super::fma_via_f64(self.0[i], b.0[i], c.0[i])
            }))
        }
        pub fn cbrt(self) -> Self {
            F32x4(self.0.map(super::cbrt))
        }
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
        pub fn transpose(r: [Self; 4]) -> [Self; 4] {
            core::array::from_fn(|i| F32x4(core::array::from_fn(|j| r[j].0[i])))
        }
        pub fn deinterleave(a: Self, b: Self) -> (Self, Self) {
            (
                F32x4([a.0[0], a.0[2], b.0[0], b.0[2]]),
                F32x4([a.0[1], a.0[3], b.0[1], b.0[3]]),
            )
        }
    }

    impl core::ops::Add for F32x4 {
        type Output = Self;
        fn add(self, o: Self) -> Self {
            self.map2(o, |a, b| a + b)
        }
    }
    impl core::ops::Sub for F32x4 {
        type Output = Self;
        fn sub(self, o: Self) -> Self {
            self.map2(o, |a, b| a - b)
        }
    }
    impl core::ops::Mul for F32x4 {
        type Output = Self;
        fn mul(self, o: Self) -> Self {
            self.map2(o, |a, b| a * b)
        }
    }
    impl core::ops::Div for F32x4 {
        type Output = Self;
        fn div(self, o: Self) -> Self {
            self.map2(o, |a, b| a / b)
        }
    }

    /// Four f64 lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x4([f64; 4]);

    impl F64x4 {
        pub fn from_f32(v: F32x4) -> Self {
            F64x4(v.0.map(f64::from))
        }
        pub fn splat(v: f64) -> Self {
            F64x4([v; 4])
        }
        pub fn positive_part(self) -> Self {
            F64x4(self.0.map(|v| if v > 0.0 { v } else { 0.0 }))
        }
        pub fn to_array(self) -> [f64; 4] {
            self.0
        }
    }

    macro_rules! f64x4_op {
        ($trait:ident, $method:ident, $op:tt) => {
            impl core::ops::$trait for F64x4 {
                type Output = Self;
                fn $method(self, o: Self) -> Self {
                    F64x4(core::array::from_fn(|i| self.0[i] $op o.0[i]))
                }
            }
        };
    }
    f64x4_op!(Add, add, +);
    f64x4_op!(Sub, sub, -);
    f64x4_op!(Mul, mul, *);
    f64x4_op!(Div, div, /);

    impl I32x4 {
        pub fn load_bytes(s: &[u8]) -> Self {
            I32x4(core::array::from_fn(|i| {
                i32::from_le_bytes([s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]])
            }))
        }
        pub fn splat(v: i32) -> Self {
            I32x4([v; 4])
        }
        pub fn and(self, o: Self) -> Self {
            I32x4(core::array::from_fn(|i| self.0[i] & o.0[i]))
        }
        pub fn shr(self, n: u32) -> Self {
            I32x4(self.0.map(|v| ((v as u32) >> n) as i32))
        }
        pub fn to_f32(self) -> F32x4 {
            F32x4(self.0.map(|v| v as f32))
        }
        pub fn all_eq(self, o: Self) -> bool {
            self.0 == o.0
        }
        pub fn all_opaque(self, o: Self) -> bool {
            (0..4).all(|i| (self.0[i] & o.0[i]) as u32 >= 0xff00_0000)
        }
        pub fn add_rgb_squared_error(self, a: Self, b: Self) -> Self {
            I32x4(core::array::from_fn(|i| {
                let (p, q) = (a.0[i].to_le_bytes(), b.0[i].to_le_bytes());
                let sum: u32 = (0..3).map(|c| u32::from(p[c].abs_diff(q[c])).pow(2)).sum();
                self.0[i].wrapping_add(sum as i32)
            }))
        }
        pub fn to_array(self) -> [i32; 4] {
            self.0
        }
    }

    impl I16x8 {
        pub fn narrow(a: I32x4, b: I32x4) -> Self {
            let sat = |v: i32| v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
            I16x8(core::array::from_fn(|i| {
                sat(if i < 4 { a.0[i] } else { b.0[i - 4] })
            }))
        }
        pub fn load(s: &[i16]) -> Self {
            I16x8(core::array::from_fn(|i| s[i]))
        }
        pub fn store(self, s: &mut [i16]) {
            s[..8].copy_from_slice(&self.0);
        }
        pub fn nonzero_bits(self) -> u8 {
            self.0
                .iter()
                .enumerate()
                .fold(0, |m, (i, &v)| m | (u8::from(v != 0) << i))
        }
    }
}

pub use imp::{F32x4, F64x4, I16x8, I32x4};

/// Whether this CPU runs AVX, for [`with_wide`]: detected once (the standard library caches it).
#[cfg(target_arch = "x86_64")]
pub fn avx_available() -> bool {
    std::arch::is_x86_feature_detected!("avx")
}

/// Four lanes that may be wider underneath: [`F32x4`] itself, or on x86-64 with AVX, the same lanes
/// with their f64 steps in one 256-bit register.
pub trait Wide: Lane {
    fn from_x4(v: F32x4) -> Self;
    fn x4(self) -> F32x4;
}

impl Wide for F32x4 {
    #[inline(always)]
    fn from_x4(v: F32x4) -> Self {
        v
    }
    #[inline(always)]
    fn x4(self) -> F32x4 {
        self
    }
}

#[cfg(target_arch = "x86_64")]
impl Wide for imp::Avx {
    #[inline(always)]
    fn from_x4(v: F32x4) -> Self {
        imp::Avx(v)
    }
    #[inline(always)]
    fn x4(self) -> F32x4 {
        self.0
    }
}

/// A vector kernel over any [`Wide`] lanes, for [`with_wide`] to run on the widest this CPU has.
/// `run`, and everything beneath it that does lane arithmetic, must be `#[inline(always)]` and free
/// of closures doing that arithmetic: only code inlined into the AVX-compiled entry point is
/// compiled for AVX, and a call out of it would be to SSE2 code (or an AVX instruction not inlined).
pub trait WideKernel {
    type Output;
    fn run<V: Wide>(self) -> Self::Output;
}

/// Runs `kernel` on AVX lanes where `avx` is asked for and the CPU has it (detected at run time),
/// else on [`F32x4`]. The two give identical results: the same operations on the same values.
#[inline]
pub fn with_wide<K: WideKernel>(kernel: K, avx: bool) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if avx && avx_available() {
        // SAFETY: the CPU has AVX, just checked.
        return unsafe { imp::run_avx(kernel) };
    }
    let _ = avx;
    kernel.run::<F32x4>()
}

/// `a * b + c` rounded once to f32, as `f32::mul_add` gives, but without the software fused
/// multiply-add that `mul_add` becomes in wasm and on x86-64 without FMA: the product of two f32 is
/// exact in f64, the sum is rounded to f64, then to f32. That double rounding differs from a fused
/// one only when the f64 sum falls exactly halfway between two f32 (about one in 2^29).
#[inline(always)]
pub fn fma_via_f64(a: f32, b: f32, c: f32) -> f32 {
    (f64::from(a) * f64::from(b) + f64::from(c)) as f32
}

/// The cube root SSIMULACRA2's reference uses (yuvxyb-math's `cbrtf_fast`, a port of FreeBSD's
/// `cbrtf`): a bit-level estimate, then two Newton steps in f64, which round to the nearest f32.
/// [`F32x4::cbrt`] is its four-lane twin.
///
/// FreeBSD's `s_cbrtf.c`: conversion to float by Ian Lance Taylor, Cygnus Support; debugged and
/// optimized by Bruce D. Evans. Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
/// Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and
/// distribute this software is freely granted, provided that this notice is preserved.
#[inline(always)]
pub fn cbrt(x: f32) -> f32 {
    let bits = x.to_bits();
    let estimate = f32::from_bits((bits & 0x8000_0000) | ((bits & 0x7fff_ffff) / 3 + CBRT_B1));
    let x = f64::from(x);
    let mut t = f64::from(estimate);
    for _ in 0..2 {
        let r = t * t * t;
        t = t * (x + x + r) / (x + r + r);
    }
    t as f32
}

const CBRT_B1: u32 = 709_958_130;

/// Arithmetic shared by `f32` and [`F32x4`], so that a kernel written once over `T: Lane` is its own
/// scalar twin: the same operations, in the same order, one lane or four.
pub trait Lane:
    Copy
    + core::ops::Add<Output = Self>
    + core::ops::Sub<Output = Self>
    + core::ops::Mul<Output = Self>
    + core::ops::Div<Output = Self>
{
    fn splat(v: f32) -> Self;
    /// The first lane(s) of `s`.
    fn load(s: &[f32]) -> Self;
    /// `self * b + c`, rounded once ([`fma_via_f64`]).
    fn mul_add_exact(self, b: Self, c: Self) -> Self;
    fn abs(self) -> Self;
    /// `if self < o { o } else { self }`.
    fn max(self, o: Self) -> Self;
    /// Whether `self < o` in every lane.
    fn all_lt(self, o: Self) -> bool;
    /// [`cbrt`] of each lane.
    fn cbrt(self) -> Self;
    /// Writes the lane(s) to the start of `s`.
    fn store(self, s: &mut [f32]);
}

impl Lane for f32 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        v
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        s[0]
    }
    #[inline(always)]
    fn mul_add_exact(self, b: Self, c: Self) -> Self {
        fma_via_f64(self, b, c)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f32::abs(self)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        if self < o {
            o
        } else {
            self
        }
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        self < o
    }
    #[inline(always)]
    fn cbrt(self) -> Self {
        cbrt(self)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        s[0] = self;
    }
}

impl Lane for F32x4 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        F32x4::splat(v)
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        F32x4::load(s)
    }
    #[inline(always)]
    fn mul_add_exact(self, b: Self, c: Self) -> Self {
        F32x4::mul_add_exact(self, b, c)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        F32x4::abs(self)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        F32x4::max(self, o)
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        self.lt(o).mask_count() == 4
    }
    #[inline(always)]
    fn cbrt(self) -> Self {
        F32x4::cbrt(self)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        F32x4::store(self, s);
    }
}

#[cfg(target_arch = "x86_64")]
impl Lane for imp::Avx {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        imp::Avx(F32x4::splat(v))
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        imp::Avx(F32x4::load(s))
    }
    #[inline(always)]
    fn mul_add_exact(self, b: Self, c: Self) -> Self {
        imp::Avx::mul_add_exact(self, b, c)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        imp::Avx(self.0.abs())
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        imp::Avx(self.0.max(o.0))
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        Lane::all_lt(self.0, o.0)
    }
    #[inline(always)]
    fn cbrt(self) -> Self {
        imp::Avx::cbrt(self)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        self.0.store(s);
    }
}

/// A unit test that runs natively (`cargo test`) and in wasm under wasm-bindgen-test (`cargo test
/// --target wasm32-unknown-unknown --lib`, in Node), where the simd128 paths are: every SIMD kernel's
/// comparison with its scalar twin is one.
#[cfg(test)]
macro_rules! twin_test {
    ($name:ident, $body:block) => {
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    };
}
#[cfg(test)]
pub(crate) use twin_test;

#[cfg(test)]
mod tests {
    use super::*;

    twin_test!(fused_multiply_adds_round_once, {
        let mut raw = crate::test_rng::xorshift32(0x9e37_79b9_u32);
        let mut next = move || (raw() as f32 / u32::MAX as f32 - 0.5) * 4.0;
        for _ in 0..10_000 {
            let [a, b, c] = [0; 3].map(|_| F32x4::new(next(), next(), next(), next()));
            let got = a.mul_add_exact(b, c).to_array();
            let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
            for k in 0..4 {
                assert_eq!(got[k].to_bits(), fma_via_f64(a[k], b[k], c[k]).to_bits());
                // On these values the f64 route and a true fused multiply-add agree (a halfway
                // case is about one in 2^29).
                assert_eq!(got[k].to_bits(), a[k].mul_add(b[k], c[k]).to_bits());
            }
        }
        // Where a separate multiply and add would round twice: (1 + 2^-12)^2 - 1.
        let x = 1.0 + f32::EPSILON * 2048.0;
        assert_eq!(fma_via_f64(x, x, -1.0), x.mul_add(x, -1.0));
        assert_ne!(fma_via_f64(x, x, -1.0), x * x - 1.0);
    });

    twin_test!(cube_roots_in_lanes_equal_the_scalar_ones, {
        let mut next = crate::test_rng::xorshift32(0x1234_5679_u32);
        let mut values: Vec<f32> = vec![
            0.0,
            -0.0,
            1.0,
            8.0,
            0.003_793_073_4,
            f32::MIN_POSITIVE,
            1e-30,
        ];
        for _ in 0..100_000 {
            let state = next();
            values.push(f32::from_bits(state & 0x7fff_ffff).min(f32::MAX));
            values.push((state % 1_000_000) as f32 / 300_000.0);
        }
        for v in values.chunks_exact(4) {
            let got = F32x4::load(v).cbrt().to_array();
            for k in 0..4 {
                assert_eq!(got[k].to_bits(), cbrt(v[k]).to_bits(), "{}", v[k]);
            }
        }
    });

    /// Runs the lane operations that AVX widens over `values` (in fours) on whichever lanes
    /// [`with_wide`] picks, reporting which it picked.
    #[cfg(target_arch = "x86_64")]
    struct WidenedSteps<'a>(&'a [f32]);

    #[cfg(target_arch = "x86_64")]
    impl WideKernel for WidenedSteps<'_> {
        type Output = (&'static str, Vec<u32>);
        #[inline(always)]
        fn run<V: Wide>(self) -> Self::Output {
            let mut out = Vec::new();
            for v in self.0.windows(12).step_by(4) {
                let (a, b, c) = (V::load(v), V::load(&v[4..]), V::load(&v[8..]));
                out.extend(a.mul_add_exact(b, c).x4().to_array().map(f32::to_bits));
                out.extend(a.abs().cbrt().x4().to_array().map(f32::to_bits));
                out.extend(a.cbrt().x4().to_array().map(f32::to_bits));
            }
            (core::any::type_name::<V>(), out)
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx_lanes_equal_the_sse2_ones() {
        if !avx_available() {
            eprintln!("skipped: this CPU has no AVX, so only the SSE2 lanes run here");
            return;
        }
        let mut raw = crate::test_rng::xorshift32(0x3c6e_f372_u32);
        let mut values: Vec<f32> = vec![0.0, -0.0, 1.0, 8.0, f32::MIN_POSITIVE, 1e-30, -27.0, 0.5];
        for i in 0..200_000 {
            let state = raw();
            values.push(match i % 3 {
                0 => f32::from_bits(state & 0x7fff_ffff).min(f32::MAX),
                1 => (state % 1_000_000) as f32 / 300_000.0 - 1.0,
                _ => f32::from_bits(state % (254 << 23)),
            });
        }
        let (wide, got) = with_wide(WidenedSteps(&values), true);
        let (narrow, want) = with_wide(WidenedSteps(&values), false);
        assert!(wide.ends_with("Avx"), "{wide}");
        assert!(narrow.ends_with("F32x4"), "{narrow}");
        assert_eq!(got.len(), want.len());
        let differ = got.iter().zip(&want).filter(|(g, w)| g != w).count();
        assert_eq!(differ, 0, "{differ} of {} lanes differ", got.len());
    }

    twin_test!(f64_lanes_equal_the_scalar_f64_operations, {
        let mut raw = crate::test_rng::xorshift32(0x2545_f491_u32);
        let mut next = move || (raw() as f32 / u32::MAX as f32 - 0.5) * 3.0;
        let bits = |v: [f64; 4]| v.map(f64::to_bits);
        for _ in 0..10_000 {
            let (a, b) = ([0; 4].map(|_| next()), [0; 4].map(|_| next()));
            let wide = |v: [f32; 4]| F64x4::from_f32(F32x4::new(v[0], v[1], v[2], v[3]));
            let (wa, wb) = (wide(a), wide(b));
            let (a, b) = (a.map(f64::from), b.map(f64::from));
            let each = |f: fn(f64, f64) -> f64| std::array::from_fn(|k| f(a[k], b[k]));
            assert_eq!(bits(wa.to_array()), bits(a));
            assert_eq!(bits((wa + wb).to_array()), bits(each(|x, y| x + y)));
            assert_eq!(bits((wa - wb).to_array()), bits(each(|x, y| x - y)));
            assert_eq!(bits((wa * wb).to_array()), bits(each(|x, y| x * y)));
            assert_eq!(bits((wa / wb).to_array()), bits(each(|x, y| x / y)));
            let positive = a.map(|x| if x > 0.0 { x } else { 0.0 });
            assert_eq!(bits(wa.positive_part().to_array()), bits(positive));
        }
        let odd = F64x4::from_f32(F32x4::new(-0.0, f32::NAN, -1.0, 2.5));
        assert_eq!(
            bits(odd.positive_part().to_array()),
            bits([0.0, 0.0, 0.0, 2.5])
        );
    });

    twin_test!(lanes_behave_like_their_scalar_operations, {
        let a = F32x4::new(1.5, -2.25, 0.0, 7.0);
        let b = F32x4::new(0.5, 3.0, -0.0, -7.5);
        assert_eq!((a + b).to_array(), [2.0, 0.75, 0.0, -0.5]);
        assert_eq!((a - b).to_array(), [1.0, -5.25, 0.0, 14.5]);
        assert_eq!((a * b).to_array(), [0.75, -6.75, -0.0, -52.5]);
        assert_eq!(a.min(b).to_array(), [0.5, -2.25, 0.0, -7.5]);
        assert_eq!(a.max(b).to_array(), [1.5, 3.0, 0.0, 7.0]);
        assert_eq!(b.abs().to_array(), [0.5, 3.0, 0.0, 7.5]);
        assert_eq!(a.lt(b).mask_count(), 1);
        assert_eq!(
            F32x4::select(a.lt(b), a, b).to_array(),
            [0.5, -2.25, -0.0, -7.5]
        );
        assert_eq!(
            F32x4::splat(0.5).copysign(b).to_array().map(f32::to_bits),
            [0.5f32, 0.5, -0.5, -0.5].map(f32::to_bits)
        );
        assert_eq!(
            F32x4::new(1.9, -1.9, 1023.5, -0.4)
                .trunc_i32()
                .to_f32()
                .to_array(),
            [1.0, -1.0, 1023.0, 0.0]
        );
        let rows = [0, 4, 8, 12]
            .map(|i| F32x4::new(i as f32, i as f32 + 1.0, i as f32 + 2.0, i as f32 + 3.0));
        let cols = F32x4::transpose(rows);
        assert_eq!(cols[1].to_array(), [1.0, 5.0, 9.0, 13.0]);
        let (even, odd) = F32x4::deinterleave(rows[0], rows[1]);
        assert_eq!(even.to_array(), [0.0, 2.0, 4.0, 6.0]);
        assert_eq!(odd.to_array(), [1.0, 3.0, 5.0, 7.0]);
        let px = I32x4::load_bytes(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255]);
        let byte = I32x4::splat(0xff);
        assert_eq!(px.and(byte).to_f32().to_array(), [1.0, 5.0, 9.0, 13.0]);
        assert_eq!(px.shr(24).to_f32().to_array(), [4.0, 8.0, 12.0, 255.0]);
        let n = I16x8::narrow(
            F32x4::new(0.0, 3.0, -70000.0, 0.0).trunc_i32(),
            F32x4::new(0.0, 0.0, 0.0, 70000.0).trunc_i32(),
        );
        let mut out = [0i16; 8];
        n.store(&mut out);
        assert_eq!(out, [0, 3, i16::MIN, 0, 0, 0, 0, i16::MAX]);
        assert_eq!(n.nonzero_bits(), 0b1000_0110);
        assert_eq!(I16x8::load(&out).nonzero_bits(), 0b1000_0110);
    });
}
